using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;

namespace TensorCash.Tests.Chain.Ledger;

public class BlockRulesTests
{
    private static readonly OutPoint PrevA = new(Hashes.Sha256d([1]), 0);
    private static readonly OutPoint PrevB = new(Hashes.Sha256d([2]), 0);

    private static string? Check(Block block, int maxBlockBytes = 20_000, int maxSigOps = 40) =>
        BlockRules.CheckBlock(block, Params(maxBlockBytes: maxBlockBytes, maxSigOps: maxSigOps))?.Reason;

    private static string? Contextual(Block block, int height, long medianTimePast = 1_700_000_000) =>
        BlockRules.ContextualCheckBlock(block, height, medianTimePast, Params())?.Reason;

    [Test]
    public void WellFormedBlockPasses()
    {
        var block = Block(Coinbase(20, 5000), Spend(PrevA, 10), Spend(PrevB, 20));
        Assert.That(Check(block), Is.Null);
        Assert.That(Contextual(block, 20), Is.Null);
    }

    [Test]
    public void MerkleRootMismatch()
    {
        var honest = Block(Coinbase(20, 5000), Spend(PrevA, 10));
        var tampered = new Block(honest.Header, [], [honest.Transactions[0], Spend(PrevA, 11)], []);
        Assert.That(Check(tampered), Is.EqualTo("bad-txnmrklroot"));
    }

    [Test]
    public void DuplicatedTransactionsWithTheHonestRoot_CVE_2012_2459()
    {
        var coinbase = Coinbase(20, 5000);
        var a = Spend(PrevA, 10);
        var b = Spend(PrevB, 20);
        var honest = Block(coinbase, a, b);
        var mutated = new Block(honest.Header, [], [coinbase, a, b, b], []);
        Assert.That(Check(honest), Is.Null);
        Assert.That(Check(mutated), Is.EqualTo("bad-txns-duplicate"));
    }

    [Test]
    public void EmptyOrOversizedBlock()
    {
        Assert.That(Check(Block()), Is.EqualTo("bad-blk-length"));
        var block = Block(Coinbase(20, 5000), Spend(PrevA, 10));
        Assert.That(Check(block, maxBlockBytes: block.TransactionBytes - 1), Is.EqualTo("bad-blk-length"));
        Assert.That(Check(block, maxBlockBytes: block.TransactionBytes), Is.Null);
    }

    [Test]
    public void FirstTransactionNotACoinbase() =>
        Assert.That(Check(Block(Spend(PrevA, 10), Coinbase(20, 5000))), Is.EqualTo("bad-cb-missing"));

    [Test]
    public void SecondCoinbase() =>
        Assert.That(Check(Block(Coinbase(20, 5000), Coinbase(20, 5000, tag: 1))), Is.EqualTo("bad-cb-multiple"));

    [Test]
    public void TransactionViolationIsPropagatedWithItsReason()
    {
        var violation = BlockRules.CheckBlock(Block(Coinbase(20, 5000), Spend([PrevA, PrevA], [10])), Params());
        Assert.That(violation?.Reason, Is.EqualTo("bad-txns-inputs-duplicate"));
        Assert.That(violation?.Message, Does.Contain("transaction 1"));
        Assert.That(Check(Block(Coinbase(20, -1))), Is.EqualTo("bad-txns-vout-negative"));
    }

    [Test]
    public void TooManyLegacySigOps()
    {
        // Two CHECKSIGs and one CHECKMULTISIG (20) in outputs, and one CHECKSIGVERIFY in a scriptSig: 23.
        var spend = new Transaction(1, [new TxIn(PrevA, [0xad])], [new TxOut(1, [0xac, 0xac]), new TxOut(1, [0xae])], 0);
        var block = Block(Coinbase(20, 5000), spend);
        Assert.That(Check(block, maxSigOps: 22), Is.EqualTo("bad-blk-sigops"));
        Assert.That(Check(block, maxSigOps: 23), Is.Null);
    }

    [Test]
    public void CoinbaseMustStartWithTheHeight()
    {
        Assert.That(Contextual(Block(Coinbase(20, 5000)), 21), Is.EqualTo("bad-cb-height"));
        // Height 5 must be OP_5, not a one-byte data push of 5.
        var nonMinimal = new Transaction(1, [new TxIn(OutPoint.Null, [0x01, 0x05])], [new TxOut(1, OpTrue)], 0);
        Assert.That(Contextual(Block(nonMinimal), 5), Is.EqualTo("bad-cb-height"));
        Assert.That(Contextual(Block(Coinbase(5, 5000)), 5), Is.Null);
    }

    [Test]
    public void ContextualCheckNeedsACoinbaseToReadTheHeightFrom() =>
        Assert.That(Contextual(Block(Spend(PrevA, 10)), 20), Is.EqualTo("bad-cb-missing"));

    [TestCase(0, "00")]
    [TestCase(1, "51")]
    [TestCase(16, "60")]
    [TestCase(17, "0111")]
    [TestCase(127, "017f")]
    [TestCase(128, "028000")]
    [TestCase(255, "02ff00")]
    [TestCase(256, "020001")]
    [TestCase(32767, "02ff7f")]
    [TestCase(32768, "03008000")]
    [TestCase(227_931, "035b7a03")] // Bitcoin mainnet's BIP34 activation height (Core's chainparams BIP34Height)
    [TestCase(int.MaxValue, "04ffffff7f")]
    public void HeightPushVectors(int height, string hex) =>
        Assert.That(Convert.ToHexString(CoinbaseHeight.Prefix(height)).ToLowerInvariant(), Is.EqualTo(hex));

    [Test]
    public void HeightLockTime()
    {
        var locked = Spend([PrevA], [10], sequence: 0, lockTime: 30);
        Assert.That(Contextual(Block(Coinbase(30, 5000), locked), 30), Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(Contextual(Block(Coinbase(31, 5000), locked), 31), Is.Null);
    }

    [Test]
    public void TimeLockTimeComparesWithMedianTimePast()
    {
        var locked = Spend([PrevA], [10], sequence: 0, lockTime: 1_700_000_000);
        var block = Block(Coinbase(30, 5000), locked);
        Assert.That(Contextual(block, 30, medianTimePast: 1_700_000_000), Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(Contextual(block, 30, medianTimePast: 1_700_000_001), Is.Null);
    }

    [Test]
    public void FinalSequencesDisableTheLockTime() =>
        Assert.That(Contextual(Block(Coinbase(30, 5000), Spend([PrevA], [10], lockTime: 1_000)), 30), Is.Null);

    [Test]
    public void LockedCoinbaseIsNonFinalToo()
    {
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, [.. CoinbaseHeight.Prefix(30), 0], 0)], [new TxOut(1, OpTrue)], 40);
        Assert.That(Contextual(Block(coinbase), 30), Is.EqualTo("bad-txns-nonfinal"));
    }
}
