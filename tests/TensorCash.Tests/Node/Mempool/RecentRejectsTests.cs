using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>The pool's recent-rejects set (Core's m_recent_rejects): hits, what is not remembered, the tip reset and the bound.</summary>
public class RecentRejectsTests
{
    private TestChain _chain = null!;
    private TransactionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _pool = new TransactionPool(Parameters);
    }

    /// <summary>A transaction the pool refuses for its version alone ("version"), distinct per <paramref name="value"/>.</summary>
    private Transaction BadVersion(long value = 5_000) => Spend([_chain.Fund(10_000)], [value], version: 3);

    [Test]
    public void AResentRejectionIsAnsweredFromTheSetWithTheSameReason()
    {
        var tx = BadVersion();
        var first = _chain.Offer(_pool, tx);
        Assert.That(first.Rejection?.Reason, Is.EqualTo(MempoolReasons.Version));
        Assert.That(_pool.RecentRejectCount, Is.EqualTo(1));
        var second = _chain.Offer(_pool, tx);
        Assert.That(second.Rejection, Is.SameAs(first.Rejection));
        Assert.That(_pool.RecentRejectHits, Is.EqualTo(1));
    }

    [Test]
    public void MissingInputsAndPoolConflictsAreNotRemembered()
    {
        var orphan = Spend(new OutPoint(TensorCash.Chain.Primitives.Hashes.Sha256d([9]), 0), 5_000, 4_000);
        Assert.That(_chain.Offer(_pool, orphan).MissingInputs, Is.True);
        var coin = _chain.Fund(10_000);
        Assert.That(_chain.Offer(_pool, Spend(coin, 5_000, 4_000)).Accepted, Is.True);
        Assert.That(_chain.Offer(_pool, Spend(coin, 4_000, 4_000)).Rejection?.Reason, Is.EqualTo(MempoolReasons.Conflict));
        Assert.That(_pool.RecentRejectCount, Is.Zero);
    }

    [Test]
    public void ANewTipEmptiesTheSet()
    {
        var tx = BadVersion();
        _chain.Offer(_pool, tx);
        _pool.BlockConnected([]);
        Assert.That(_pool.RecentRejectCount, Is.Zero);
        _chain.Offer(_pool, tx);
        Assert.That(_pool.RecentRejectHits, Is.Zero, "validated again after the block");

        // A caller that moves the tip without telling the pool (another height) also starts afresh.
        Assert.That(_pool.RecentRejectCount, Is.EqualTo(1));
        _pool.Accept(tx, _chain.Coins, _chain.NextHeight + 1, _chain.MedianTimePast + 600, MedianTimePastAt);
        Assert.That(_pool.RecentRejectHits, Is.Zero);
    }

    [Test]
    public void TheSetIsBoundedOldestOutFirst()
    {
        var first = BadVersion(1_000);
        _chain.Offer(_pool, first);
        for (int i = 0; i < MempoolPolicy.MaxRecentRejects; i++) _chain.Offer(_pool, BadVersion(1_001 + i));
        Assert.That(_pool.RecentRejectCount, Is.EqualTo(MempoolPolicy.MaxRecentRejects));
        _chain.Offer(_pool, first);
        Assert.That(_pool.RecentRejectHits, Is.Zero, "the oldest rejection was forgotten, so it was validated again");
    }
}
