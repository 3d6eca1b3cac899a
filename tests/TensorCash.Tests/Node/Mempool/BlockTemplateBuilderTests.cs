using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

public class BlockTemplateBuilderTests
{
    private TestChain _chain = null!;
    private TransactionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _pool = new TransactionPool(Parameters);
    }

    private void Admit(params Transaction[] transactions)
    {
        foreach (var tx in transactions)
            Assert.That(_chain.Offer(_pool, tx).Rejection, Is.Null, $"{tx.Txid} must be accepted");
    }

    /// <summary>A 71-byte transaction paying exactly <paramref name="fee"/>.</summary>
    private Transaction PayingFee(long fee) => Spend(_chain.Fund(100_000), 50_000, 50_000 - fee);

    /// <summary>
    /// Header, one-byte count, and the coinbase at height 101: version 4, input count 1, prevout 36, script length 1,
    /// script 11 (BIP34 push 01 65, extra nonce push 08 + 8 bytes), sequence 4, output count 1, output 10, lock time 4.
    /// </summary>
    private const int EmptyBlockBytes = 184 + 1 + 72; // header (v and T included), coinbase count, coinbase

    [Test]
    public void EmptyPoolGivesACoinbaseThatCarriesHeightAndExtraNonceAndClaimsTheSubsidy()
    {
        var template = _chain.Template(_pool, extraNonce: 0x0102030405060708);

        var coinbase = template.Coinbase;
        Assert.That(template.Transactions, Is.EqualTo(new[] { coinbase }));
        Assert.That(coinbase.IsCoinbase, Is.True);
        Assert.That(Convert.ToHexString(coinbase.Inputs[0].ScriptSig), Is.EqualTo("0165" + "08" + "0807060504030201"));
        Assert.That(coinbase.Outputs.Single().Value, Is.EqualTo(Subsidy));
        Assert.That(coinbase.Outputs.Single().ScriptPubKey, Is.EqualTo(OpTrue));
        Assert.That((template.Height, template.TotalFees, template.TransactionBytes, template.SigOps), Is.EqualTo((_chain.NextHeight, 0L, EmptyBlockBytes, 0)));
        Assert.That(template.MerkleRoot, Is.EqualTo(coinbase.Txid));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void DifferentExtraNoncesGiveDifferentMerkleRoots() =>
        Assert.That(_chain.Template(_pool, extraNonce: 1).MerkleRoot, Is.Not.EqualTo(_chain.Template(_pool, extraNonce: 2).MerkleRoot));

    [Test]
    public void TemplateWithChainedTransactionsConnectsAndPaysTheFeesToTheCoinbase()
    {
        var parent = Spend(_chain.Fund(100_000), 50_000, 40_000);
        var child = Spend(Out(parent, 1), 20_000, 19_000);
        var grandchild = Spend([Out(child, 0), Out(parent, 0)], [60_000, 1_000]);
        var independent = PayingFee(5_000);
        Admit(parent, child, grandchild, independent);

        var template = _chain.Template(_pool);

        long fees = 10_000 + 1_000 + 9_000 + 5_000;
        Assert.That(template.TotalFees, Is.EqualTo(fees));
        Assert.That(template.Coinbase.Outputs.Single().Value, Is.EqualTo(Subsidy + fees));
        Assert.That(template.Transactions.Skip(1), Is.EqualTo(template.Entries.Select(e => e.Transaction)));
        Assert.That(template.Entries.Select(e => e.Txid), Is.EquivalentTo(new[] { parent.Txid, child.Txid, grandchild.Txid, independent.Txid }));
        var order = template.Entries.Select(e => e.Txid).ToList();
        Assert.That(order.IndexOf(parent.Txid), Is.LessThan(order.IndexOf(child.Txid)));
        Assert.That(order.IndexOf(child.Txid), Is.LessThan(order.IndexOf(grandchild.Txid)));

        var block = ToBlock(template);
        Assert.That(block.Header.MerkleRoot, Is.EqualTo(template.MerkleRoot));
        Assert.That(block.TransactionBytes, Is.EqualTo(template.TransactionBytes));
        Assert.That(_chain.Connect(block), Is.Null);
    }

    [Test]
    public void WhenSpaceIsShortTheHigherFeeRateIsChosen()
    {
        var low = PayingFee(1_000);
        var high = PayingFee(3_000);
        var middle = PayingFee(2_000);
        Admit(low, high, middle);

        var oneMore = _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes + 71);
        Assert.That(oneMore.Entries.Select(e => e.Txid), Is.EqualTo(new[] { high.Txid }));
        Assert.That(oneMore.TransactionBytes, Is.EqualTo(EmptyBlockBytes + 71));

        var twoMore = _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes + 2 * 71 + 1);
        Assert.That(twoMore.Entries.Select(e => e.Txid), Is.EqualTo(new[] { high.Txid, middle.Txid }));
        Assert.That(_chain.Connect(ToBlock(twoMore)), Is.Null);
    }

    [Test]
    public void AllEntriesAreOrderedByFeeRateWhenSpaceAllows()
    {
        var fees = new long[] { 700, 100, 900, 300, 500 };
        var transactions = fees.Select(PayingFee).ToArray();
        Admit(transactions);

        var template = _chain.Template(_pool);
        Assert.That(template.Entries.Select(e => e.Fee), Is.EqualTo(fees.OrderDescending()));
    }

    [Test]
    public void AChildPaysForItsParentAheadOfAMediumRateTransaction()
    {
        var parent = Spend(_chain.Fund(100_000), 50_000, 50_000 - 100);      // alone: 1408/kB
        var child = Spend(Out(parent, 0), 20_000, 30_000 - 3_000);            // package: 3100 / 142 bytes
        var medium = PayingFee(1_500);                                        // 21126/kB, less than the package's 21830/kB
        Admit(parent, child, medium);

        var template = _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes + 2 * 71 + 1);
        Assert.That(template.Entries.Select(e => e.Txid), Is.EqualTo(new[] { parent.Txid, child.Txid }));
        Assert.That(template.TotalFees, Is.EqualTo(3_100));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void AParentIsNeverLeftOutWhileItsChildGoesIn()
    {
        // The child alone pays the best rate, but with its parent the package does not fit; the medium one does.
        var parent = new Transaction(1, [new TxIn(_chain.Fund(100_000), [])], [new TxOut(90_000, OpTrue), new TxOut(0, [0x6a, .. new byte[500]])], 0);
        var child = Spend(Out(parent), 40_000, 40_000);
        var medium = PayingFee(1_000);
        Admit(parent, child, medium);

        var template = _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes + 2 * 71 + 1);
        Assert.That(template.Entries.Select(e => e.Txid), Is.EqualTo(new[] { medium.Txid }));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void TheSigOpLimitIsRespected()
    {
        // Outputs locked by OP_CHECKSIG count one sigop each (they are never spent here).
        Transaction WithSigOps(int sigOps, long fee) => new(1, [new TxIn(_chain.Fund(100_000), [])],
            [new TxOut(100_000 - fee - 1_000 * sigOps, OpTrue), .. Enumerable.Repeat(new TxOut(1_000, [0xac]), sigOps)], 0);
        var heavy = WithSigOps(5, 50_000);
        var light = WithSigOps(2, 1_000);
        Admit(heavy, light);

        var template = _chain.Template(_pool, maxSigOps: 4);
        Assert.That(template.Entries.Select(e => e.Txid), Is.EqualTo(new[] { light.Txid }));
        Assert.That(template.SigOps, Is.EqualTo(2));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void LimitsAboveConsensusAreCappedAtConsensus()
    {
        Admit(PayingFee(1_000));
        var template = BlockTemplateBuilder.Build(_pool, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, Subsidy, OpTrue,
            int.MaxValue, int.MaxValue, 0, MedianTimePastAt);
        Assert.That(template.Entries, Has.Count.EqualTo(1));
    }

    [Test]
    public void NoRoomForTheCoinbaseIsAnArgumentError() =>
        Assert.That(() => _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes - 1), Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void APoolOutOfStepWithTheChainIsReportedNotMined()
    {
        var tx = PayingFee(1_000);
        Admit(tx);
        // Someone confirms a rival spend without telling the pool.
        _chain.Mine(Spend(tx.Inputs[0].Prevout, 50_000, 40_000));

        Assert.That(() => _chain.Template(_pool),
            Throws.InvalidOperationException.With.Message.Contains("bad-txns-inputs-missingorspent").And.Message.Contains("out of step"));
    }

    [Test]
    public void ConnectingTheTemplateThenNotifyingThePoolLeavesWhatDidNotFit()
    {
        var transactions = Enumerable.Range(1, 6).Select(i => PayingFee(100 * i)).ToArray();
        Admit(transactions);
        var template = _chain.Template(_pool, maxBlockBytes: EmptyBlockBytes + 3 * 71 + 1);
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
        Assert.That(_pool.BlockConnected(template.Transactions), Is.Empty);

        Assert.That(_pool.Snapshot().Select(e => e.Fee), Is.EquivalentTo(new long[] { 100, 200, 300 }));
        var next = _chain.Template(_pool);
        Assert.That(next.Height, Is.EqualTo(template.Height + 1));
        Assert.That(_chain.Connect(ToBlock(next)), Is.Null);
        Assert.That(CoinbaseHeight.Matches(next.Coinbase.Inputs[0].ScriptSig, template.Height + 1), Is.True);
    }
}
