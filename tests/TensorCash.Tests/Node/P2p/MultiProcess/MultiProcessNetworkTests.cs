using System.Diagnostics;
using System.Text.Json.Nodes;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.P2p.MultiProcess;

/// <summary>
/// Several `tensorcash node` processes on 127.0.0.1 talking the real P2P protocol: a line of four converges on the
/// most-work tip, a partition heals by re-organising to the longer side (whose losing transactions return to the
/// mempool), a fresh node syncs 300 blocks from two peers, and a transaction reaches every node. Each node process
/// has NodeProcess's 60 s watchdog; every wait here is bounded and prints every node's output when it fails.
/// </summary>
[NonParallelizable]
public class MultiProcessNetworkTests
{
    private static readonly TimeSpan Connected = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Propagated = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Synced = TimeSpan.FromSeconds(40);

    private readonly List<NetworkNode> _nodes = [];

    [TearDown]
    public void StopNodes()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed)
            foreach (var node in _nodes) TestContext.Out.WriteLine(node.Output);
        foreach (var node in _nodes) node.Dispose();
        _nodes.Clear();
    }

    private NetworkNode Start(string name, string? copyOf = null, params string[] arguments)
    {
        var node = NetworkNode.Start(name, copyOf, arguments);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> and the nodes' output after <paramref name="timeout"/>.</summary>
    private void WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout)
                Assert.Fail($"not within {timeout}: {what()}\n{string.Join('\n', _nodes.Select(n => n.Output))}");
            Thread.Sleep(25);
        }
    }

    private string Tips(params NetworkNode[] nodes) => string.Join(", ", nodes.Select(n => $"{n.Name} {n.BlockCount()} {n.BestBlockHash()[..16]}"));

    private void WaitForConnections(params (NetworkNode Node, int Count)[] expected) =>
        WaitUntil(() => expected.All(e => e.Node.ConnectionCount() >= e.Count), Connected,
            () => "connections " + string.Join(", ", expected.Select(e => $"{e.Node.Name} {e.Node.ConnectionCount()} (want {e.Count})")));

    private void WaitForTip(string hash, params NetworkNode[] nodes) =>
        WaitUntil(() => nodes.All(n => n.BestBlockHash() == hash), Propagated, () => $"every node on {hash[..16]}: {Tips(nodes)}");

    /// <summary>The outbound peers of <paramref name="node"/> (addr is the endpoint it dialled) are exactly <paramref name="allowed"/>.</summary>
    private static void AssertDialledOnly(NetworkNode node, params NetworkNode[] allowed)
    {
        var dialled = node.PeerInfo().Where(p => !(bool)p["inbound"]!).Select(p => (string)p["addr"]!).ToHashSet();
        Assert.That(dialled, Is.SubsetOf(allowed.Select(a => a.Endpoint)), $"{node.Name} dialled only its neighbours in the line");
    }

    [Test, CancelAfter(90_000)]
    public void FourNodesInALineConvergeOnTheMostWorkTip()
    {
        var a = Start("A");
        var b = Start("B", null, "--connect", a.Endpoint);
        var c = Start("C", null, "--connect", b.Endpoint);
        var d = Start("D", null, "--connect", c.Endpoint);
        var all = new[] { a, b, c, d };
        WaitForConnections((a, 1), (b, 2), (c, 2), (d, 1));

        string tip = a.Mine(3)[^1];
        WaitForTip(tip, all);
        Assert.That(d.BlockCount(), Is.EqualTo(3), "D, three hops from A, has A's three blocks");

        tip = d.Mine(4)[^1];
        WaitForTip(tip, all);
        Assert.That(a.BlockCount(), Is.EqualTo(7), "A has D's four blocks on top of its own");

        // One new block from A to D, three hops: the time it takes, for the report (not asserted).
        var samples = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            string hash = a.Mine(1)[0];
            var clock = Stopwatch.StartNew();
            WaitUntil(() => all.All(n => n.BestBlockHash() == hash), Propagated, () => $"block {hash[..16]} everywhere: {Tips(all)}");
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        TestContext.Out.WriteLine($"propagation of one block to all 4 nodes in the line (ms, after generatetoaddress returned): {string.Join(", ", samples.Select(s => s.ToString("0")))}");

        // Both ends mine at once: competing branches meet in the middle; every node ends on one tip, the one with the most work.
        var fromA = Task.Run(() => a.Mine(2));
        var fromD = Task.Run(() => d.Mine(3));
        Assert.That(Task.WaitAll([fromA, fromD], TimeSpan.FromSeconds(30)), "both ends mined within 30 s");
        WaitUntil(() => all.Select(n => n.BestBlockHash()).Distinct().Count() == 1 && all.All(n => n.BlockCount() >= 13), Propagated,
            () => $"one tip at height 13 or more: {Tips(all)}");
        string final = a.BestBlockHash();
        string work = a.ChainWork();
        foreach (var node in all)
        {
            Assert.That(node.ChainWork(), Is.EqualTo(work), $"{node.Name} has the same chain work");
            foreach (var known in node.Call("getchaintips")!.AsArray())
            {
                string knownWork = (string)node.Call("getblockheader", (string)known!["hash"]!)!["chainwork"]!;
                Assert.That(string.CompareOrdinal(knownWork, work), Is.LessThanOrEqualTo(0),
                    $"{node.Name}: tip {known} has no more work than the common tip {final}");
            }
            var active = node.Call("getchaintips")!.AsArray().Single(t => (string)t!["status"]! == "active")!;
            Assert.That((string)active["hash"]!, Is.EqualTo(final), $"{node.Name}'s active tip");
        }
        // B, C and D dial only their --connect peer, so the line stays a line (A, with no --connect, may also dial
        // addresses it learns, which is ordinary address discovery: not asserted).
        AssertDialledOnly(b, a);
        AssertDialledOnly(c, b);
        AssertDialledOnly(d, c);
    }

    [Test, CancelAfter(90_000)]
    public void APartitionHealsOnTheLongerSideAndTheLosingTransactionReturnsToTheMempool()
    {
        string template = MaturedChain.TemplateDirectory;
        var a = Start("A", template);
        var b = Start("B", template, "--connect", a.Endpoint);
        var c = Start("C", template);
        var d = Start("D", template, "--connect", c.Endpoint);
        var all = new[] { a, b, c, d };
        WaitForConnections((a, 1), (b, 1), (c, 1), (d, 1));
        Assert.That(all.Select(n => n.BlockCount()), Is.All.EqualTo(MaturedChain.Height));

        // Side 1: a payment, mined into one block on A.
        string payee = (string)b.Call("getnewaddress")!;
        string txid = (string)a.Call("sendtoaddress", payee, 1)!;
        WaitUntil(() => b.InMempool(txid), Propagated, () => $"the payment {txid} relayed to B");
        string side1 = a.Mine(1)[0];
        Assert.That(a.Call("getblock", side1)!["tx"]!.AsArray().Select(t => (string)t!), Does.Contain(txid), "A's block has the payment");
        Assert.That(a.InMempool(txid), Is.False, "mined, it left A's mempool");
        WaitForTip(side1, a, b);

        // Side 2: more blocks, without the payment.
        string side2 = c.Mine(3)[^1];
        WaitForTip(side2, c, d);
        Assert.That((a.BestBlockHash(), b.BestBlockHash()), Is.EqualTo((side1, side1)), "the sides are partitioned");

        b.Call("addnode", c.Endpoint, "onetry");
        WaitForTip(side2, all);
        Assert.That(all.Select(n => n.BlockCount()), Is.All.EqualTo(MaturedChain.Height + 3));
        Assert.That((string)a.Call("getblockheader", side1)!["status"]!, Is.Not.EqualTo("active"), "A's block is no longer on its active chain");
        WaitUntil(() => a.InMempool(txid), Propagated, () => $"the payment {txid} back in A's mempool ({a.MempoolSize()} transactions there)");
        Assert.That(c.Call("getblock", side2)!["height"]!.GetValue<int>(), Is.EqualTo(MaturedChain.Height + 3));
    }

    [Test, CancelAfter(100_000)]
    public void AFreshNodeSyncsThreeHundredBlocksFromTwoPeers()
    {
        string template = LongChain.TemplateDirectory;
        var first = Start("S1", template);
        var second = Start("S2", template);
        string tip = first.BestBlockHash();
        Assert.That((first.BlockCount(), second.BestBlockHash()), Is.EqualTo((LongChain.Height, tip)));

        var clock = Stopwatch.StartNew();
        var fresh = Start("F", null, "--connect", first.Endpoint, "--connect", second.Endpoint);
        WaitUntil(() => fresh.BestBlockHash() == tip, Synced, () => $"F synced to {tip[..16]} at {LongChain.Height}: {Tips(fresh)}");
        double seconds = clock.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"sync of {LongChain.Height} blocks from 2 peers: {seconds:0.0} s from the node's start, {LongChain.Height / seconds:0.0} blocks/s");
        Assert.That(fresh.BlockCount(), Is.EqualTo(LongChain.Height));

        // F listens too, so S1 and S2 may also dial it (they learn its port from its version message): count F's --connect peers.
        var peers = fresh.PeerInfo().Where(p => !(bool)p["inbound"]!).ToList();
        Assert.That(peers.Select(p => (string)p["addr"]!), Is.EquivalentTo(new[] { first.Endpoint, second.Endpoint }), "F dialled both peers");
        var blockBytes = peers.ToDictionary(p => (string)p["addr"]!, p => (long?)p["bytesrecv_per_msg"]!["block"] ?? 0);
        TestContext.Out.WriteLine($"block bytes received: {string.Join(", ", blockBytes.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.That(blockBytes.Values, Is.All.GreaterThan(0), "blocks were downloaded from both peers");
    }

    [Test, CancelAfter(90_000)]
    public void ATransactionReachesEveryNode()
    {
        string template = MaturedChain.TemplateDirectory;
        var a = Start("A", template);
        var b = Start("B", template, "--connect", a.Endpoint);
        var c = Start("C", template, "--connect", b.Endpoint);
        var all = new[] { a, b, c };
        WaitForConnections((a, 1), (b, 2), (c, 1));

        string payee = (string)a.Call("getnewaddress")!;
        string txid = (string)c.Call("sendtoaddress", payee, 2)!;
        WaitUntil(() => all.All(n => n.InMempool(txid)), Propagated,
            () => $"{txid} in every mempool: {string.Join("; ", all.Select(n => $"{n.Name} {n.InMempool(txid)} ({n.MempoolSize()} transactions)"))}");
        Assert.That(all.Select(n => n.MempoolSize()), Is.All.EqualTo(1), "every node holds just the payment");
    }
}

/// <summary>
/// A regtest datadir with <see cref="Height"/> blocks: a copy of <see cref="MaturedChain"/>'s template with more blocks
/// mined in-process, once per test run.
/// </summary>
internal static class LongChain
{
    public const int Height = 300;

    private static readonly Lazy<string> Template = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string TemplateDirectory => Template.Value;

    private static string Create()
    {
        string directory = Directory.CreateTempSubdirectory("tc-long-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { } // a leftover temporary directory is harmless
        };
        TestNode.CopyDirectory(MaturedChain.TemplateDirectory, directory);
        var host = NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = directory, Threads = 1 });
        try
        {
            host.Generate(Height - MaturedChain.Height, MaturedChain.OpTrue);
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return directory;
    }
}
