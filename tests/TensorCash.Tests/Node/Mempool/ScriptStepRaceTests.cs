using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>
/// The pool runs a transaction's scripts with its lock released (issue 12). What changes meanwhile must be seen
/// before the insertion: a rival spend of the same coin admitted, the tip moved, the pool's fee floor risen. A test
/// seam (<see cref="TransactionPool.BeforeScriptChecks"/>) holds the script step while the test changes the state.
/// </summary>
public class ScriptStepRaceTests
{
    private TestChain _chain = null!;
    private TransactionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _pool = new TransactionPool(Parameters);
    }

    /// <summary>Offers <paramref name="slow"/> on another thread and returns once it is held in its script step, with the task and the release.</summary>
    private (Task<MempoolAcceptResult> Offer, ManualResetEventSlim Release) HoldInScriptStep(Transaction slow, long? tipVersion = null)
    {
        var release = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        _pool.BeforeScriptChecks = tx =>
        {
            if (tx.Txid != slow.Txid) return;
            entered.Set();
            release.Wait();
        };
        var offer = Task.Run(() => _pool.Accept(slow, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt, tipVersion: tipVersion));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(10)), "the transaction reached its script step");
        return (offer, release);
    }

    [Test, CancelAfter(30_000)]
    public async Task ARivalAdmittedWhileTheScriptsRunWinsAndTheSlowOneIsAConflict()
    {
        var coin = _chain.Fund(100_000);
        var slow = Spend(coin, 90_000, 1_000);
        var rival = Spend(coin, 80_000, 1_000);
        var (offer, release) = HoldInScriptStep(slow);
        Assert.That(_chain.Offer(_pool, rival).Accepted, "admitted while the other one's scripts run");
        release.Set();
        var result = await offer;
        Assert.That(result.Rejection?.Reason, Is.EqualTo(MempoolReasons.Conflict));
        Assert.That(_pool.Contains(slow.Txid), Is.False);
        Assert.That(_pool.Contains(rival.Txid));
        Assert.That(_pool.Count, Is.EqualTo(1));
    }

    [Test, CancelAfter(30_000)]
    public async Task ATipThatMovesWhileTheScriptsRunIsReportedAndNothingIsInserted()
    {
        var coin = _chain.Fund(100_000);
        var slow = Spend(coin, 90_000, 1_000);
        var (offer, release) = HoldInScriptStep(slow);
        long before = _pool.TipVersion;
        _pool.BlockConnected(_chain.Mine().Transactions); // an unrelated block: the view the checks used is stale all the same
        Assert.That(_pool.TipVersion, Is.EqualTo(before + 1));
        release.Set();
        var result = await offer;
        Assert.That(result.Rejection?.Reason, Is.EqualTo(MempoolReasons.TipChanged));
        Assert.That(_pool.Count, Is.EqualTo(0));
        Assert.That(_pool.RecentRejectCount, Is.EqualTo(0), "a moved tip is no verdict on the transaction");
        _pool.BeforeScriptChecks = null;
        Assert.That(_chain.Offer(_pool, slow).Accepted, "offered again on the new tip, it is admitted");
    }

    [Test]
    public void AViewReadBeforeTheTipMovedIsRefusedBeforeAnyCheck()
    {
        var slow = Spend(_chain.Fund(100_000), 90_000, 1_000);
        long version = _pool.TipVersion;
        _pool.BlockConnected(_chain.Mine().Transactions);
        int scriptSteps = 0;
        _pool.BeforeScriptChecks = _ => scriptSteps++;
        var result = _pool.Accept(slow, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt, tipVersion: version);
        Assert.That(result.Rejection?.Reason, Is.EqualTo(MempoolReasons.TipChanged));
        Assert.That(_pool.TestAccept(slow, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt, tipVersion: version).Rejection?.Reason,
            Is.EqualTo(MempoolReasons.TipChanged));
        Assert.That(scriptSteps, Is.EqualTo(0));
        Assert.That(_pool.Accept(slow, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt, tipVersion: _pool.TipVersion).Accepted);
    }

    [Test, CancelAfter(30_000)]
    public async Task AParentEvictedByABlockConflictWhileTheChildsScriptsRunTakesTheChildOut()
    {
        var coin = _chain.Fund(100_000);
        var parent = Spend(coin, 90_000, 1_000);
        Assert.That(_chain.Offer(_pool, parent).Accepted);
        var child = Spend(Out(parent), 80_000, 1_000);
        var (offer, release) = HoldInScriptStep(child);
        // A block spends the parent's coin another way: the parent leaves as a conflict, the tip moves.
        _pool.BlockConnected(_chain.Mine(Spend(coin, 95_000)).Transactions);
        release.Set();
        var result = await offer;
        Assert.That(result.Accepted, Is.False);
        Assert.That(_pool.Count, Is.EqualTo(0));
    }

    [Test]
    public void AScriptFailureFoundWithTheLockReleasedIsRemembered()
    {
        var coin = new OutPoint(Hashes.Sha256d([0x5c, 0x12]), 0);
        _chain.Coins.Add(coin, new Coin(new TxOut(100_000, [(byte)Opcode.OP_0]), 1, false)); // a script that always fails
        var tx = Spend(coin, 90_000, 1_000);
        var first = _chain.Offer(_pool, tx);
        Assert.That(first.Rejection?.Reason, Is.EqualTo(ScriptVerifier.Reason(ScriptError.EVAL_FALSE)), first.Rejection?.ToString());
        long hits = _pool.RecentRejectHits;
        int scriptSteps = 0;
        _pool.BeforeScriptChecks = _ => scriptSteps++;
        Assert.That(_chain.Offer(_pool, tx).Rejection, Is.EqualTo(first.Rejection));
        Assert.That(_pool.RecentRejectHits, Is.EqualTo(hits + 1));
        Assert.That(scriptSteps, Is.EqualTo(0), "the resend is refused from the recent-rejects set, without running the scripts");
    }
}
