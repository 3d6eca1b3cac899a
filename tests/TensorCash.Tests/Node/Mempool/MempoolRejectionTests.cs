using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Chain.Ledger;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>Every reason the pool gives, triggered once and checked by its string, with the boundary case accepted where there is one.</summary>
public class MempoolRejectionTests
{
    private TestChain _chain = null!;
    private TransactionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _pool = new TransactionPool(Parameters);
    }

    private string? Reason(Transaction tx) => _chain.Offer(_pool, tx).Rejection?.Reason;

    private void AssertRejected(Transaction tx, string reason)
    {
        int before = _pool.Count;
        var result = _chain.Offer(_pool, tx);
        Assert.That(result.Rejection?.Reason, Is.EqualTo(reason), result.Rejection?.Message);
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Rejection!.Message, Does.Contain(tx.Txid.ToString()));
        Assert.That(_pool.Count, Is.EqualTo(before));
        Assert.That(_pool.Contains(tx.Txid), Is.False);
    }

    [Test]
    public void ConsensusReasonsPassThrough() =>
        AssertRejected(Spend(_chain.Fund(10_000), 5_000, -1), "bad-txns-vout-negative");

    [Test]
    public void Coinbase() => AssertRejected(LedgerFixtures.Coinbase(_chain.NextHeight, 5_000), "coinbase");

    [TestCase(0)]
    [TestCase(3)]
    public void NonStandardVersion(int version) =>
        AssertRejected(Spend([_chain.Fund(10_000)], [5_000, 4_000], version: version), "version");

    [Test]
    public void OverStandardSize()
    {
        // A zero-value OP_RETURN output is never dust, so the size alone decides.
        var padding = new byte[MempoolPolicy.MaxStandardTransactionBytes];
        padding[0] = 0x6a;
        var tx = new Transaction(1, [new TxIn(_chain.Fund(10_000_000), [])], [new TxOut(1_000_000, OpTrue), new TxOut(0, padding)], 0);
        AssertRejected(tx, "tx-size");
    }

    [Test]
    public void OverStandardScriptSig()
    {
        var tx = new Transaction(1, [new TxIn(_chain.Fund(100_000), new byte[MempoolPolicy.MaxStandardScriptSigBytes + 1])],
            [new TxOut(50_000, OpTrue), new TxOut(40_000, OpTrue)], 0);
        AssertRejected(tx, "scriptsig-size");
    }

    [Test]
    public void DustOutputBelowThreshold()
    {
        // (8 value + 1 length + 1 script + 148 spending input) bytes at 3000/kB = 474.
        AssertRejected(Spend(_chain.Fund(10_000), 5_000, 473), "dust");
        Assert.That(Reason(Spend(_chain.Fund(10_000), 5_000, 474)), Is.Null);
    }

    [Test]
    public void UnderMinimumStandardSize()
    {
        var oneOutput = Spend(_chain.Fund(10_000), 9_000);
        Assert.That(oneOutput.SerializedSize, Is.EqualTo(61));
        AssertRejected(oneOutput, "tx-size-small");
    }

    [Test]
    public void NonFinalLockTime()
    {
        // A height lock time is final once strictly below the height of the block it would enter.
        var locked = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0xFFFF_FFFE, lockTime: (uint)_chain.NextHeight);
        AssertRejected(locked, "non-final");
        var final = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0xFFFF_FFFE, lockTime: (uint)_chain.TipHeight);
        Assert.That(Reason(final), Is.Null);
    }

    [Test]
    public void NonFinalTimeLockComparesWithMedianTimePast()
    {
        var locked = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0, lockTime: (uint)_chain.MedianTimePast);
        AssertRejected(locked, "non-final");
        var final = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0, lockTime: (uint)_chain.MedianTimePast - 1);
        Assert.That(Reason(final), Is.Null);
    }

    [Test]
    public void AlreadyInPool()
    {
        var tx = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Assert.That(Reason(tx), Is.Null);
        AssertRejectedKeepingIt(tx, "txn-already-in-mempool");
    }

    private void AssertRejectedKeepingIt(Transaction tx, string reason)
    {
        var result = _chain.Offer(_pool, tx);
        Assert.That(result.Rejection?.Reason, Is.EqualTo(reason));
        Assert.That(_pool.Contains(tx.Txid), Is.True);
    }

    [Test]
    public void ConflictWithPooledSpendIsRejectedWhateverItPays()
    {
        var coin = _chain.Fund(10_000);
        var first = Spend(coin, 5_000, 4_900);
        Assert.That(Reason(first), Is.Null);
        // Pays far more, but there is no replacement: the first spend stays.
        AssertRejected(Spend(coin, 1_000, 1_000), "txn-mempool-conflict");
        Assert.That(_pool.Contains(first.Txid), Is.True);
    }

    [Test]
    public void AlreadyConfirmed()
    {
        var tx = Spend(_chain.Fund(10_000), 5_000, 4_000);
        _chain.Mine(tx);
        AssertRejected(tx, "txn-already-known");
    }

    [Test]
    public void MissingInputsAreFlaggedAsPossibleOrphans()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 4_000);
        var child = Spend(Out(parent), 2_000, 2_000);
        var result = _chain.Offer(_pool, child);
        Assert.That(result.Rejection?.Reason, Is.EqualTo("bad-txns-inputs-missingorspent"));
        Assert.That(result.MissingInputs, Is.True);
        Assert.That(_chain.Offer(_pool, Spend(_chain.Fund(10_000), 5_000, 5_001)).MissingInputs, Is.False);

        // Once the parent arrives, the orphan is welcome.
        Assert.That(Reason(parent), Is.Null);
        Assert.That(Reason(child), Is.Null);
    }

    [Test]
    public void SpendOfAnOutputThePooledParentDoesNotHave()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Assert.That(Reason(parent), Is.Null);
        AssertRejected(Spend(Out(parent, 2), 1_000, 1_000), "bad-txns-inputs-missingorspent");
    }

    [Test]
    public void ImmatureCoinbase()
    {
        // Maturity 2: a coinbase from the tip cannot be spent in the next block; one from the block before can.
        AssertRejected(Spend(_chain.Fund(10_000, height: _chain.TipHeight, coinbase: true), 5_000, 4_000), "bad-txns-premature-spend-of-coinbase");
        Assert.That(Reason(Spend(_chain.Fund(10_000, height: _chain.TipHeight - 1, coinbase: true), 5_000, 4_000)), Is.Null);
    }

    [Test]
    public void OutputsAboveInputs() =>
        AssertRejected(Spend(_chain.Fund(10_000), 5_000, 5_001), "bad-txns-in-belowout");

    [Test]
    public void RelativeHeightLockNotMet()
    {
        // BIP68, version 2: a lock of 5 blocks on a coin from tip - 3 needs the block at tip + 2.
        AssertRejected(Spend([_chain.Fund(10_000, height: _chain.TipHeight - 3)], [5_000, 4_000], version: 2, sequence: 5), "non-BIP68-final");
        Assert.That(Reason(Spend([_chain.Fund(10_000, height: _chain.TipHeight - 4)], [5_000, 4_000], version: 2, sequence: 5)), Is.Null);
    }

    [Test]
    public void RelativeLockOnAnUnconfirmedParentCannotBeMet()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Assert.That(Reason(parent), Is.Null);
        AssertRejected(Spend([Out(parent)], [2_000, 2_000], version: 2, sequence: 1), "non-BIP68-final");
        Assert.That(Reason(Spend([Out(parent)], [2_000, 2_000], version: 2, sequence: 0)), Is.Null);
    }

    [Test]
    public void RelativeTimeLockNeedsTheChainsTimes()
    {
        const uint oneTimeUnit = SequenceLocks.TypeFlag | 1;
        var coin = _chain.Fund(10_000, height: 10);
        var tx = Spend([coin], [5_000, 4_000], version: 2, sequence: oneTimeUnit);
        // Without the history, the coin is taken as confirmed at the tip: 512 s have not passed since.
        var withoutHistory = _pool.Accept(tx, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast);
        Assert.That(withoutHistory.Rejection?.Reason, Is.EqualTo("non-BIP68-final"));
        // With it, the coin is 90 blocks (54,000 s) old.
        Assert.That(Reason(tx), Is.Null);
    }

    [Test]
    public void TooManySigOps()
    {
        byte[] checkSigs = Enumerable.Repeat((byte)0xac, MempoolPolicy.MaxStandardTransactionSigOps + 1).ToArray();
        var tx = new Transaction(1, [new TxIn(_chain.Fund(100_000), [])], [new TxOut(50_000, checkSigs)], 0);
        AssertRejected(tx, "bad-txns-too-many-sigops");
        var atLimit = new Transaction(1, [new TxIn(_chain.Fund(100_000), [])], [new TxOut(50_000, checkSigs[1..])], 0);
        Assert.That(Reason(atLimit), Is.Null);
    }

    [Test]
    public void MinimumRelayFee()
    {
        // 71 bytes at 1000 per 1000 bytes: 71.
        var cheap = Spend(_chain.Fund(10_000), 5_000, 4_930);
        Assert.That(cheap.SerializedSize, Is.EqualTo(71));
        AssertRejected(cheap, "min relay fee not met");
        Assert.That(Reason(Spend(_chain.Fund(10_000), 5_000, 4_929)), Is.Null);
    }

    [Test]
    public void ScriptFailureReasonPassesThrough()
    {
        var tx = new Transaction(1, [new TxIn(_chain.Fund(10_000), [0x00])], [new TxOut(5_000, OpTrue), new TxOut(4_000, OpTrue)], 0);
        AssertRejected(tx, "mandatory-script-verify-flag-failed (CLEANSTACK)"); // OP_0 leaves an extra item under OP_TRUE's result
    }

    [Test]
    public void ChainOfMoreThanTwentyFiveAncestors()
    {
        var previous = _chain.Fund(1_000_000);
        for (int i = 0; i < MempoolPolicy.MaxAncestorCount; i++)
        {
            var link = Spend(previous, 1_000_000 - 2_000 * (i + 1), 1_000);
            Assert.That(Reason(link), Is.Null, $"link {i}");
            previous = Out(link);
        }
        AssertRejected(Spend(previous, 900_000, 1_000), "too-long-mempool-chain");
    }

    [Test]
    public void MoreThanTwentyFiveDescendants()
    {
        long[] outputs = Enumerable.Repeat(10_000L, 30).ToArray();
        var parent = Spend([_chain.Fund(400_000)], outputs);
        Assert.That(Reason(parent), Is.Null);
        // Each child has two ancestors counting itself, but the parent's descendants count up to the limit.
        for (uint i = 0; i < MempoolPolicy.MaxDescendantCount - 1; i++)
            Assert.That(Reason(Spend(Out(parent, i), 5_000, 4_000)), Is.Null, $"child {i}");
        AssertRejected(Spend(Out(parent, 29), 5_000, 4_000), "too-long-mempool-chain");
    }

    [Test]
    public void PoolFullRejectsTheLowestRateNewcomerAndKeepsEverythingElse()
    {
        // Room for exactly three 71-byte transactions.
        _pool = new TransactionPool(Parameters, maxBytes: 3 * 71);
        var kept = new[] { 500L, 600, 700 }.Select(fee => Spend(_chain.Fund(10_000), 5_000, 5_000 - fee)).ToArray();
        foreach (var tx in kept) Assert.That(Reason(tx), Is.Null);

        AssertRejected(Spend(_chain.Fund(10_000), 5_000, 5_000 - 400), "mempool full");
        Assert.That(kept.All(tx => _pool.Contains(tx.Txid)), Is.True);
        Assert.That(_pool.GetInfo().MinimumFeeRate.PerKilobyte, Is.GreaterThan(MempoolPolicy.MinRelayFeePerKilobyte));
    }

    [Test]
    public void AfterAnEvictionNewcomersMustBeatTheEvictedRate()
    {
        _pool = new TransactionPool(Parameters, maxBytes: 2 * 71);
        var low = Spend(_chain.Fund(10_000), 5_000, 5_000 - 142);   // 2000/kB
        var high = Spend(_chain.Fund(10_000), 5_000, 5_000 - 710);  // 10000/kB
        Assert.That(Reason(low), Is.Null);
        Assert.That(Reason(high), Is.Null);
        Assert.That(Reason(Spend(_chain.Fund(10_000), 5_000, 5_000 - 284)), Is.Null); // 4000/kB evicts low
        Assert.That(_pool.Contains(low.Txid), Is.False);

        // The minimum is now 2000 + 1000 incremental = 3000/kB: 213 for 71 bytes.
        Assert.That(_pool.GetInfo().MinimumFeeRate, Is.EqualTo(new FeeRate(3_000)));
        AssertRejected(Spend(_chain.Fund(10_000), 5_000, 5_000 - 212), "mempool min fee not met");
    }
}
