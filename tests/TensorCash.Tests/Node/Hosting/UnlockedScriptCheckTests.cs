using System.Diagnostics;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Node.Hosting;

/// <summary>
/// Issue 12, "Move script checks out from under the pool and chain locks": a transaction whose scripts take long (a
/// test seam makes its script step block) holds up neither RPC calls, nor other submissions, nor block connection;
/// and whatever happens while its scripts run (a rival spend admitted, the tip moving, the same transaction sent
/// again) it is never inserted on a stale view.
/// </summary>
public class UnlockedScriptCheckTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);
    private const int PromptMilliseconds = 1000;

    private static OutPoint Coinbase(TestNode node, int height) =>
        new(node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(height)!.Value)!.Transactions[0].Txid, 0);

    private static Transaction Spend(OutPoint prevout, long value) =>
        new(1, [new TxIn(prevout, [])], [new TxOut(value, MaturedChain.OpTrue), new TxOut(1_000_000, MaturedChain.OpTrue)], 0);

    /// <summary>Makes the script step of <paramref name="slow"/> wait until <paramref name="release"/> is set, the first <paramref name="times"/> times.</summary>
    private static ManualResetEventSlim BlockScripts(TransactionPool pool, Transaction slow, ManualResetEventSlim release, int times = 1)
    {
        var entered = new ManualResetEventSlim();
        int remaining = times;
        pool.BeforeScriptChecks = tx =>
        {
            if (tx.Txid != slow.Txid || Interlocked.Decrement(ref remaining) < 0) return;
            entered.Set();
            release.Wait();
        };
        return entered;
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    [Test, CancelAfter(60_000)]
    public async Task ASlowScriptCheckStallsNeitherRpcNorOtherSubmissionsNorBlockConnection()
    {
        await using var node = MaturedChain.Open();
        var pool = node.Host.Mempool.Pool;
        var slow = Spend(Coinbase(node, 1), 49_00000000);
        var other = Spend(Coinbase(node, 2), 49_00000000);
        var tip = node.Host.Chain.Tip;
        var block = RegtestMining.Mine(node.Host.MiningModel, tip.Header, tip.Height + 1, extraNonce: 77).Block!;
        // Warm up the paths timed below (JIT), so their timings are of the locks, not of compilation.
        node.Call("getmempoolinfo");
        node.Call("getblockcount");
        Assert.That(node.Host.Mempool.TestAccept(other).Accepted);

        var release = new ManualResetEventSlim();
        var entered = BlockScripts(pool, slow, release);
        var slowWatch = Stopwatch.StartNew();
        var slowSubmission = Task.Run(() => node.Host.Mempool.Submit(slow));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(10)), "the slow transaction reached its script step");
        using var timer = new Timer(_ => release.Set(), null, Stall, Timeout.InfiniteTimeSpan);

        double mempoolInfo = Time(() => node.Call("getmempoolinfo"));
        double blockCount = Time(() => node.Call("getblockcount"));
        MempoolAcceptResult otherResult = null!;
        double otherSubmission = Time(() => otherResult = node.Host.Mempool.Submit(other));
        BlockAcceptStatus connected = default;
        double blockConnection = Time(() => connected = node.Host.Chain.AcceptBlock(block, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Status);
        bool stillRunning = !slowSubmission.IsCompleted;

        var slowResult = await slowSubmission;
        slowWatch.Stop();
        TestContext.Out.WriteLine($"while one acceptance blocked {slowWatch.Elapsed.TotalMilliseconds:F0} ms in its script step: getmempoolinfo {mempoolInfo:F1} ms, " +
            $"getblockcount {blockCount:F1} ms, another submission {otherSubmission:F1} ms, a block connection {blockConnection:F1} ms");
        Assert.That(stillRunning, "the slow acceptance was still in its script step when the other calls returned");
        // The timer that releases it may fire a fraction of a millisecond early by the Stopwatch's clock (seen: 2,999.7 ms).
        Assert.That(slowWatch.Elapsed, Is.GreaterThanOrEqualTo(Stall - TimeSpan.FromMilliseconds(100)));
        Assert.That(otherResult.Accepted, otherResult.Rejection?.ToString());
        Assert.That(connected, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        Assert.That(new[] { mempoolInfo, blockCount, otherSubmission, blockConnection }, Has.All.LessThan(PromptMilliseconds));
        // The block moved the tip while the slow transaction's scripts ran: it was checked again on the new tip and admitted.
        Assert.That(slowResult.Accepted, slowResult.Rejection?.ToString());
        Assert.That(pool.Contains(slow.Txid) && pool.Contains(other.Txid));
    }

    [Test, CancelAfter(60_000)]
    public async Task ABlockConfirmingARivalWhileTheScriptsRunLeavesTheTransactionOut()
    {
        await using var node = MaturedChain.Open();
        var pool = node.Host.Mempool.Pool;
        var coin = Coinbase(node, 1);
        var slow = Spend(coin, 49_00000000);
        var rival = Spend(coin, 48_00000000);
        var tip = node.Host.Chain.Tip;
        var block = RegtestMining.Mine(node.Host.MiningModel, tip.Header, tip.Height + 1, spends: [rival]).Block!;

        var release = new ManualResetEventSlim();
        var entered = BlockScripts(pool, slow, release);
        var submission = Task.Run(() => node.Host.Mempool.Submit(slow));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(10)));
        Assert.That(node.Host.Chain.AcceptBlock(block, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        release.Set();

        var result = await submission;
        Assert.That(result.Rejection?.Reason, Is.EqualTo(MempoolReasons.MissingInputs), "checked again on the new tip, whose block spent the coin");
        Assert.That(pool.Contains(slow.Txid), Is.False);
        Assert.That(pool.Count, Is.EqualTo(0));
    }

    [Test, CancelAfter(60_000)]
    public async Task TheSameTransactionSentTwiceAtOnceRunsItsScriptsOnceAndIsInsertedOnce()
    {
        await using var node = MaturedChain.Open();
        var pool = node.Host.Mempool.Pool;
        var tx = Spend(Coinbase(node, 1), 49_00000000);
        int scriptRuns = 0;
        var release = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        pool.BeforeScriptChecks = _ =>
        {
            Interlocked.Increment(ref scriptRuns);
            entered.Set();
            release.Wait();
        };
        var first = Task.Run(() => node.Host.Mempool.Submit(tx));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(10)));
        var second = Task.Run(() => node.Host.Mempool.Submit(tx));
        await Task.Delay(200); // the second reaches the pool and waits for the first's verdict
        Assert.That(second.IsCompleted, Is.False, "the duplicate waits for the verdict of the submission in flight");
        release.Set();

        var results = await Task.WhenAll(first, second);
        Assert.That(results.Count(r => r.Accepted), Is.EqualTo(1));
        Assert.That(results.Single(r => !r.Accepted).Rejection!.Reason, Is.EqualTo(MempoolReasons.AlreadyInPool));
        Assert.That(scriptRuns, Is.EqualTo(1));
        Assert.That(pool.Count, Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task RivalSpendsSubmittedAtOnceAdmitExactlyOnePerCoinAndTheNextBlockIsValid()
    {
        await using var node = MaturedChain.Open();
        var pool = node.Host.Mempool.Pool;
        var coins = new[] { Coinbase(node, 1), Coinbase(node, 2) };
        var rivals = coins.SelectMany(coin => Enumerable.Range(0, 8).Select(i => Spend(coin, 49_00000000 - i * 10_000))).ToList();
        // A slow script step widens the window in which several rivals have passed step (a) and none is inserted yet.
        int overlapping = 0, mostOverlapping = 0;
        pool.BeforeScriptChecks = _ =>
        {
            int now = Interlocked.Increment(ref overlapping);
            InterlockedMax(ref mostOverlapping, now);
            Thread.Sleep(50);
            Interlocked.Decrement(ref overlapping);
        };
        using var start = new ManualResetEventSlim();
        var submissions = rivals.Select(tx => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return node.Host.Mempool.Submit(tx);
        }, TaskCreationOptions.LongRunning)).ToList();
        start.Set();
        var results = await Task.WhenAll(submissions);

        Assert.That(mostOverlapping, Is.GreaterThan(1), "several script steps ran at once");
        Assert.That(results.Count(r => r.Accepted), Is.EqualTo(coins.Length), string.Join("; ", results.Select(r => r.Rejection?.Reason)));
        Assert.That(results.Where(r => !r.Accepted).Select(r => r.Rejection!.Reason), Has.All.EqualTo(MempoolReasons.Conflict));
        var pooled = pool.Snapshot();
        Assert.That(pooled.Select(e => e.Transaction.Inputs[0].Prevout), Is.EquivalentTo(coins), "one spend of each coin");
        var tip = node.Host.Chain.Tip;
        var content = node.Host.BuildContent(tip.Height + 1, node.Host.Chain.GetMedianTimePast(tip.Hash)!.Value, MaturedChain.OpTrue, 0);
        Assert.That(content.Transactions.Count, Is.EqualTo(1 + coins.Length), "the template (checked by connecting it) takes both");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
