// Peer-to-peer benchmarks (the P2P issue), all nodes in this process on 127.0.0.1, over the real protocol:
//   1. initial block download of N blocks from one local peer, against validation alone (the same blocks handed to a
//      fresh chainstate's AcceptBlock), measured side by side, alternating, R rounds each;
//   2. bytes on the wire per block (from the downloading peer's per-message counters) and per transaction (inv,
//      getdata and tx for payments relayed between two nodes);
//   3. the time for a new block to reach the last of 4 nodes in a line.
//
//   dotnet run -c Release --project bench/TensorCash.P2pBench -- [--blocks 300] [--rounds 2] [--payments 20] [--relays 10]
//
// Progress goes to stderr, the markdown report to stdout.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;

int blocks = Arg("--blocks", 300), rounds = Arg("--rounds", 2), payments = Arg("--payments", 20), relays = Arg("--relays", 10);
var progress = Console.Error;
string root = Directory.CreateTempSubdirectory("tc-p2pbench-").FullName;
var opened = new List<NodeHost>();
try
{
    var source = Open("source");
    progress.WriteLine($"mining {blocks} regtest blocks on builtin:tiny (not timed)");
    var script = source.CoinbaseScript;
    for (int done = 0; done < blocks; done += 50) source.Generate(Math.Min(50, blocks - done), script);
    var sourceNetwork = source.StartNetwork(Listening());
    var sourceBlocks = Enumerable.Range(1, blocks).Select(h => source.Chain.GetBlock(source.Chain.GetBlockHash(h)!.Value)!).ToList();

    var validationRates = new List<double>();
    var downloadRates = new List<double>();
    long blockBytes = 0, headerBytes = 0, totalBytes = 0;
    for (int round = 1; round <= rounds; round++)
    {
        var alone = Open($"alone{round}");
        var clock = Stopwatch.StartNew();
        foreach (var block in sourceBlocks)
        {
            var result = alone.Chain.AcceptBlock(block, NodeHost.Now());
            if (result.Status != BlockAcceptStatus.ActiveChain) throw new InvalidOperationException($"validation alone: {result.Status} {result.Violation}");
        }
        validationRates.Add(blocks / clock.Elapsed.TotalSeconds);
        progress.WriteLine($"round {round}: validation alone {validationRates[^1]:F1} blocks/s");

        var fresh = Open($"fresh{round}");
        clock.Restart();
        var freshNetwork = fresh.StartNetwork(new P2pOptions { Connect = [Local(sourceNetwork)] });
        Wait(() => fresh.Chain.Tip.Hash == source.Chain.Tip.Hash, TimeSpan.FromMinutes(5), "the fresh node to sync");
        downloadRates.Add(blocks / clock.Elapsed.TotalSeconds);
        var peer = freshNetwork.AllPeers().Single();
        blockBytes = peer.BytesReceivedPerMessage.GetValueOrDefault("block");
        headerBytes = peer.BytesReceivedPerMessage.GetValueOrDefault("headers");
        totalBytes = peer.BytesReceived + peer.BytesSent;
        progress.WriteLine($"round {round}: initial download {downloadRates[^1]:F1} blocks/s");
        await Close(alone);
        await Close(fresh);
    }

    progress.WriteLine($"relaying {payments} payments between two nodes");
    var receiver = Open("receiver");
    var receiverNetwork = receiver.StartNetwork(new P2pOptions { Connect = [Local(sourceNetwork)] });
    Wait(() => receiver.Chain.Tip.Hash == source.Chain.Tip.Hash, TimeSpan.FromMinutes(5), "the receiver to sync");
    var link = receiverNetwork.AllPeers().Single();
    long invBefore = link.BytesReceivedPerMessage.GetValueOrDefault("inv"), txBefore = link.BytesReceivedPerMessage.GetValueOrDefault("tx"),
        getDataBefore = link.BytesSentPerMessage.GetValueOrDefault("getdata");
    string payee = receiver.Wallet.GetNewAddress("bench");
    long txSizes = 0;
    for (int i = 0; i < payments; i++)
    {
        var payment = source.Payments.Send(payee, 100_000_000, source.Payments.DefaultFeeRate);
        txSizes += payment.Transaction.SerializedSize;
        Wait(() => receiver.Mempool.Pool.Contains(payment.Transaction.Txid), TimeSpan.FromSeconds(30), "a payment to reach the receiver");
    }
    long inv = link.BytesReceivedPerMessage.GetValueOrDefault("inv") - invBefore, tx = link.BytesReceivedPerMessage.GetValueOrDefault("tx") - txBefore,
        getData = link.BytesSentPerMessage.GetValueOrDefault("getdata") - getDataBefore;

    progress.WriteLine($"block propagation through a line of 4 nodes, {relays} blocks");
    var line = new List<NodeHost> { source };
    for (int i = 1; i < 4; i++)
    {
        var next = Open($"line{i}");
        next.StartNetwork(new P2pOptions { Listen = true, Port = 0, Bind = IPAddress.Loopback, Connect = [Local(line[^1].Network!)] });
        line.Add(next);
    }
    Wait(() => line.All(n => n.Chain.Tip.Hash == source.Chain.Tip.Hash), TimeSpan.FromMinutes(5), "the line to sync");
    var propagation = new List<double>();
    for (int i = 0; i < relays; i++)
    {
        var mined = source.Generate(1, script)[0];
        var clock = Stopwatch.StartNew();
        Wait(() => line[^1].Chain.Tip.Hash == mined.Hash, TimeSpan.FromSeconds(30), "a block to reach node 4");
        propagation.Add(clock.Elapsed.TotalMilliseconds);
        Thread.Sleep(100);
    }

    var report = new System.Text.StringBuilder();
    void Line(FormattableString text) => report.AppendLine(text.ToString(CultureInfo.InvariantCulture));
    Line($"| measure | figure |");
    Line($"|---|---|");
    for (int r = 0; r < rounds; r++)
        Line($"| round {r + 1}: validation alone / initial download from one local peer | {validationRates[r]:F1} / {downloadRates[r]:F1} blocks/s ({downloadRates[r] / validationRates[r]:P0}) |");
    Line($"| bytes per block on the wire (block message) | {blockBytes / (double)blocks:F0} |");
    Line($"| bytes per block (proof-carrying headers) | {headerBytes / (double)blocks:F0} |");
    Line($"| bytes per block, everything both ways during the download | {totalBytes / (double)blocks:F0} |");
    Line($"| bytes per transaction: inv + getdata + tx (tx alone, serialized) | {inv / (double)payments:F0} + {getData / (double)payments:F0} + {tx / (double)payments:F0} = {(inv + getData + tx) / (double)payments:F0} ({txSizes / (double)payments:F0}) |");
    propagation.Sort();
    Line($"| a new block reaches node 4 of a line of 4: median / max of {relays} | {propagation[propagation.Count / 2]:F0} / {propagation[^1]:F0} ms |");
    Console.Write(report);
}
finally
{
    foreach (var host in opened) await host.DisposeAsync();
    Directory.Delete(root, recursive: true);
}

NodeHost Open(string name)
{
    var host = NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = Path.Combine(root, name), Threads = 1 });
    opened.Add(host);
    return host;
}

async Task Close(NodeHost host)
{
    opened.Remove(host);
    await host.DisposeAsync();
}

static P2pOptions Listening() => new() { Listen = true, Port = 0, Bind = IPAddress.Loopback };
static IPEndPoint Local(ConnectionManager network) => new(IPAddress.Loopback, network.ListenPort);

static void Wait(Func<bool> condition, TimeSpan timeout, string what)
{
    var clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what}");
        Thread.Sleep(5);
    }
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) && value > 0 ? value : fallback;
}
