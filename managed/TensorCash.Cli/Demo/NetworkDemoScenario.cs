using System.Diagnostics;
using System.Net;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;

namespace TensorCash.Cli.Demo;

/// <summary>What the network demo did, for the summary.</summary>
public sealed record NetworkDemoResult(
    string DataDirectory,
    int Nodes,
    int Height,
    string TipHash,
    IReadOnlyList<int> BlocksMinedPerNode,
    string PaymentTxid,
    TimeSpan PaymentRelay,
    TimeSpan LastBlockRelay,
    IReadOnlyList<long> BytesReceived,
    TimeSpan Elapsed);

/// <summary>
/// `tensorcash demo --nodes N`: N full nodes on 127.0.0.1, each with its own regtest datadir, linked in a line
/// (node 1 – node 2 – … – node N) over the real peer-to-peer protocol. Node 1 mines until its first coinbase matures
/// while the others sync block by block (each replays every proof); node 1 pays node N, and the payment travels
/// the line through each mempool; node N mines the block that confirms it, which travels back; every node ends on
/// one tip.
/// </summary>
public sealed class NetworkDemoScenario(string dataDirectory, int nodes, int threads, Action<string> progress)
{
    /// <summary>How long the demo waits for the network to agree before it calls the run failed.</summary>
    public static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(60);

    public NetworkDemoResult Run(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var parameters = ChainParams.Regtest;
        var hosts = new List<NodeHost>();
        try
        {
            for (int i = 0; i < nodes; i++)
            {
                var host = NodeHost.Open(new NodeOptions
                {
                    Network = Network.Regtest,
                    DataDirectory = Path.Combine(dataDirectory, $"node{i + 1}"),
                    Threads = i == 0 ? threads : 1,
                });
                hosts.Add(host);
                var connect = i == 0 ? [] : new[] { new IPEndPoint(IPAddress.Loopback, hosts[i - 1].Network!.ListenPort) };
                host.StartNetwork(new P2pOptions { Listen = true, Port = 0, Bind = IPAddress.Loopback, Connect = connect });
                progress($"node {i + 1}: {host.DataDirectory}, listening on 127.0.0.1:{host.Network!.ListenPort}" +
                         (i == 0 ? "" : $", connected to node {i}"));
            }
            WaitUntil(() => hosts.Skip(1).All(h => h.Network!.ReadyPeers().Count >= 1), "every node to complete its handshake", cancellation);

            int maturity = parameters.CoinbaseMaturity + 1;
            progress($"node 1 mines {maturity} blocks (its first coinbase matures); the others sync and replay each proof…");
            var minedBy = new int[nodes];
            var payee = hosts[^1].Wallet.GetNewAddress("demo");
            var coinbase = hosts[0].CoinbaseScript;
            for (int done = 0; done < maturity;)
            {
                int batch = Math.Min(20, maturity - done);
                hosts[0].Generate(batch, coinbase);
                done += batch;
                minedBy[0] += batch;
                progress($"  mined {done,3}/{maturity}; heights: {string.Join(", ", hosts.Select((h, i) => $"node {i + 1} {h.Chain.Tip.Height}"))}");
            }
            WaitUntil(() => SameTip(hosts), "every node to reach node 1's tip", cancellation);

            var paymentClock = Stopwatch.StartNew();
            var payment = hosts[0].Payments.Send(payee, DemoScenario.PaymentAmount, hosts[0].Payments.DefaultFeeRate);
            var txid = payment.Transaction.Txid;
            progress($"node 1 pays node {nodes} {DemoScenario.AmountText(DemoScenario.PaymentAmount)}: txid {txid}");
            WaitUntil(() => hosts.All(h => h.Mempool.Pool.Contains(txid)), "the payment to reach every mempool", cancellation);
            var paymentRelay = paymentClock.Elapsed;
            progress($"  the payment is in all {nodes} mempools after {paymentRelay.TotalMilliseconds:F0} ms");

            var blockClock = Stopwatch.StartNew();
            var confirming = hosts[^1].Generate(1, hosts[^1].CoinbaseScript)[0];
            minedBy[^1]++;
            WaitUntil(() => SameTip(hosts) && hosts[0].Chain.Tip.Hash == confirming.Hash, "node N's block to reach every node", cancellation);
            var blockRelay = blockClock.Elapsed;
            if (!hosts[0].Chain.GetBlock(confirming.Hash)!.Transactions.Any(t => t.Txid == txid))
                throw new InvalidOperationException($"node {nodes}'s block {confirming.Hash} does not hold the payment {txid}: it never reached node {nodes}'s mempool");
            progress($"node {nodes} mines block {confirming.Height} with the payment; all {nodes} nodes have it after {blockRelay.TotalMilliseconds:F0} ms");

            var tip = hosts[0].Chain.Tip;
            return new NetworkDemoResult(dataDirectory, nodes, tip.Height, tip.Hash.ToString(), minedBy, txid.ToString(), paymentRelay, blockRelay,
                hosts.Select(h => h.Network!.AllPeers().Sum(p => p.BytesReceived)).ToList(), clock.Elapsed);
        }
        finally
        {
            foreach (var host in hosts) host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static bool SameTip(IReadOnlyList<NodeHost> hosts) => hosts.All(h => h.Chain.Tip.Hash == hosts[0].Chain.Tip.Hash);

    private static void WaitUntil(Func<bool> condition, string what, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            cancellation.ThrowIfCancellationRequested();
            if (waited.Elapsed > ConvergenceTimeout) throw new TimeoutException($"the demo network did not converge: waited {ConvergenceTimeout.TotalSeconds:0} s for {what}");
            Thread.Sleep(20);
        }
    }
}
