using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;

namespace TensorCash.Tests.Chain.Ledger;

public class BlockConnectorTests
{
    private const int Height = 10; // subsidy 5000 >> (10 / 4) = 1250 with the fixture parameters
    private const long Subsidy = 1250;

    private static ConnectOutcome Connect(Block block, MemoryCoinView view, int height = Height, ChainParams? parameters = null, Func<int, long>? mtp = null) =>
        BlockConnector.Connect(block, height, view, parameters ?? Params(), mtp);

    private static string? Reason(Block block, MemoryCoinView view, int height = Height, ChainParams? parameters = null, Func<int, long>? mtp = null) =>
        Connect(block, view, height, parameters, mtp).Violation?.Reason;

    [Test]
    public void SpendCreatesAndRemovesCoinsAndCollectsTheFee()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        var spend = Spend(funded, 600, 300);
        var coinbase = Coinbase(Height, Subsidy + 100);
        var outcome = Connect(Block(coinbase, spend), view);

        Assert.That(outcome.Violation, Is.Null);
        Assert.That(outcome.Fees, Is.EqualTo(100));
        Assert.That(outcome.Changes!.Removed, Is.EqualTo(new[] { funded }));
        Assert.That(outcome.Changes.Added.Select(a => a.Key), Is.EqualTo(new[] { Out(coinbase), Out(spend, 0), Out(spend, 1) }));
        var coinbaseCoin = outcome.Changes.Added[0].Value;
        Assert.That((coinbaseCoin.Height, coinbaseCoin.IsCoinbase, coinbaseCoin.Output.Value), Is.EqualTo((Height, true, Subsidy + 100)));
        Assert.That(outcome.Changes.Added[1].Value.IsCoinbase, Is.False);
        Assert.That(outcome.Undo!.SpentCoins, Is.EqualTo(new[] { view.GetCoin(funded) }));
    }

    [Test]
    public void SpendsWithinOneBlockNetOutButStayInTheUndoData()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        var a = Spend(funded, 900);
        var b = Spend(Out(a), 800);   // spends a's output in the same block
        var c = Spend(Out(b), 700);   // and again
        var block = Block(Coinbase(Height, Subsidy + 300), a, b, c);
        var outcome = Connect(block, view);

        Assert.That(outcome.Violation, Is.Null);
        Assert.That(outcome.Fees, Is.EqualTo(300));
        Assert.That(outcome.Changes!.Removed, Is.EqualTo(new[] { funded }));
        Assert.That(outcome.Changes.Added.Select(x => x.Key), Does.Not.Contain(Out(a)).And.Not.Contain(Out(b)).And.Contain(Out(c)));
        Assert.That(outcome.Undo!.SpentCoins.Select(coin => coin.Output.Value), Is.EqualTo(new[] { 1000L, 900, 800 }));

        var before = new Dictionary<OutPoint, Coin>(view.Coins);
        view.Apply(outcome.Changes);
        view.Apply(BlockConnector.Disconnect(block, outcome.Undo));
        Assert.That(SameSet(view.Coins, before), Is.True);
    }

    [Test]
    public void SpendingAnOutputOfALaterTransactionInTheBlockFails()
    {
        var view = new MemoryCoinView();
        var a = Spend(Fund(view, 1000), 900);
        var b = Spend(Out(a), 800);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), b, a), view), Is.EqualTo("bad-txns-inputs-missingorspent"));
    }

    [Test]
    public void OpReturnOutputsNeverEnterTheSet()
    {
        var view = new MemoryCoinView();
        var spend = new Transaction(1, [new TxIn(Fund(view, 1000), [])], [new TxOut(0, OpReturn), new TxOut(1000, OpTrue)], 0);
        var block = Block(Coinbase(Height, Subsidy), spend);
        var outcome = Connect(block, view);
        Assert.That(outcome.Changes!.Added.Select(x => x.Key), Does.Not.Contain(Out(spend, 0)).And.Contain(Out(spend, 1)));
        Assert.That(BlockConnector.Disconnect(block, outcome.Undo!).Removed, Does.Not.Contain(Out(spend, 0)));
    }

    [Test]
    public void MissingInput() =>
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(Fund(new MemoryCoinView(), 5), 1)), new MemoryCoinView()), Is.EqualTo("bad-txns-inputs-missingorspent"));

    [Test]
    public void DoubleSpendAcrossTwoTransactions()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(funded, 10), Spend(funded, 20)), view), Is.EqualTo("bad-txns-inputs-missingorspent"));
    }

    [Test]
    public void DoubleSpendWithinOneTransactionCannotInflateEvenWithoutCheckBlock()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend([funded, funded], [2000])), view), Is.EqualTo("bad-txns-inputs-missingorspent"));
    }

    [Test]
    public void ImmatureCoinbaseSpend()
    {
        // Maturity 3: a coinbase from height 7 is spendable from height 10.
        var view = new MemoryCoinView();
        var early = Fund(view, 1000, height: 8, coinbase: true);
        var mature = Fund(view, 1000, height: 7, coinbase: true);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(early, 1000)), view), Is.EqualTo("bad-txns-premature-spend-of-coinbase"));
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(mature, 1000)), view), Is.Null);
    }

    [Test]
    public void CoinbaseOutputCannotBeSpentInItsOwnBlock()
    {
        var coinbase = Coinbase(Height, Subsidy);
        Assert.That(Reason(Block(coinbase, Spend(Out(coinbase), 1)), new MemoryCoinView()), Is.EqualTo("bad-txns-premature-spend-of-coinbase"));
    }

    [Test]
    public void OutputsExceedInputs()
    {
        var view = new MemoryCoinView();
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(Fund(view, 1000), 600, 401)), view), Is.EqualTo("bad-txns-in-belowout"));
    }

    [Test]
    public void InputValuesOutOfRange()
    {
        var parameters = Params(maxMoney: 1000);
        var view = new MemoryCoinView();
        var tooBig = Fund(view, 1001);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), Spend(tooBig, 1)), view, parameters: parameters), Is.EqualTo("bad-txns-inputvalues-outofrange"));
        var sumTooBig = Spend([Fund(view, 600), Fund(view, 600)], [1]);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), sumTooBig), view, parameters: parameters), Is.EqualTo("bad-txns-inputvalues-outofrange"));
    }

    [Test]
    public void FeeOutOfRangeFromANegativeOutputThatSkippedCheckBlock()
    {
        // CheckTransaction rejects negative outputs; Connect must still not turn one into a fee larger than MaxMoney.
        var parameters = Params(maxMoney: 1000);
        var view = new MemoryCoinView();
        var spend = Spend(Fund(view, 900), -500);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), spend), view, parameters: parameters), Is.EqualTo("bad-txns-fee-outofrange"));
    }

    [Test]
    public void AccumulatedFeesOutOfRange()
    {
        var parameters = Params(maxMoney: 1000);
        var view = new MemoryCoinView();
        var block = Block(Coinbase(Height, 0), Spend(Fund(view, 600), 0), Spend(Fund(view, 600), 0));
        Assert.That(Reason(block, view, parameters: parameters), Is.EqualTo("bad-txns-accumulated-fee-outofrange"));
    }

    [Test]
    public void ScriptFailureIsPropagated()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        var locked = new OutPoint(funded.Txid, 1);
        var falseOutput = new TxOut(1000, [0x00]); // OP_0: leaves false on the stack
        view.Add(locked, new Coin(falseOutput, 0, false));
        var spend = Spend(locked, 1000);
        var expected = ScriptVerifier.VerifyInput(spend, 0, falseOutput);
        Assert.That(expected, Is.Not.Null);
        var violation = Connect(Block(Coinbase(Height, Subsidy), spend), view).Violation;
        Assert.That(violation?.Reason, Is.EqualTo(expected!.Reason));
        Assert.That(violation?.Message, Does.Contain(spend.Txid.ToString()));
    }

    /// <summary>
    /// Scripts are checked in parallel once a block has enough inputs; the verdict must still be the earliest failing
    /// input in block order, whatever finishes first.
    /// </summary>
    [TestCase(new[] { 5, 13 }, 5)]
    [TestCase(new[] { 13 }, 13)]
    [TestCase(new[] { 0, 1, 19 }, 0)]
    [TestCase(new[] { 19 }, 19)]
    public void ParallelScriptChecksReportTheEarliestFailingInput(int[] failing, int expectedInput)
    {
        const int inputs = 20;
        Assert.That(inputs, Is.GreaterThanOrEqualTo(InputScriptChecks.MinInputsForParallelChecks));
        var view = new MemoryCoinView();
        var prevouts = new OutPoint[inputs];
        for (int i = 0; i < inputs; i++)
        {
            prevouts[i] = Fund(view, 100);
            // Alternate two different script errors so a wrong pick would show in the reason, not just the index.
            if (failing.Contains(i))
                view.Add(prevouts[i] = new OutPoint(prevouts[i].Txid, 1), new Coin(new TxOut(100, i % 2 == 0 ? [0x00] : [0x6a]), 0, false));
        }
        var spend = Spend(prevouts, [inputs * 100]);
        var locked = view.GetCoin(prevouts[expectedInput])!.Output;
        var expected = ScriptVerifier.VerifyInput(spend, expectedInput, locked)!;

        for (int run = 0; run < 5; run++)
        {
            var violation = Connect(Block(Coinbase(Height, Subsidy), spend), view).Violation;
            Assert.That(violation?.Reason, Is.EqualTo(expected.Reason), $"run {run}");
            Assert.That(violation?.Message, Does.Contain($"input {expectedInput}:"), $"run {run}");
        }
    }

    [Test]
    public void AnInputRuleOfALaterTransactionIsReportedBeforeAnEarlierScriptFailure()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        var locked = new OutPoint(funded.Txid, 1);
        view.Add(locked, new Coin(new TxOut(1000, [0x00]), 0, false));
        var badScript = Spend(locked, 1000);
        var missing = Spend(new OutPoint(badScript.Txid, 7), 1);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), badScript, missing), view), Is.EqualTo("bad-txns-inputs-missingorspent"));
    }

    [Test]
    public void CoinbaseMayClaimSubsidyPlusFeesAndNoMore()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy + 101), Spend(funded, 900)), view), Is.EqualTo("bad-cb-amount"));
        Assert.That(Reason(Block(Coinbase(Height, Subsidy + 100), Spend(funded, 900)), view), Is.Null);
    }

    [TestCase(0, 5000L)]
    [TestCase(3, 5000L)]
    [TestCase(4, 2500L)]
    [TestCase(63 * 4, 0L)] // 5000 >> 63
    [TestCase(64 * 4 + 1, 0L)]
    public void SubsidyHalves(int height, long subsidy)
    {
        var parameters = Params(initialSubsidy: 5000, halvingInterval: 4);
        Assert.That(Reason(Block(Coinbase(height, subsidy)), new MemoryCoinView(), height, parameters), Is.Null);
        Assert.That(Reason(Block(Coinbase(height, subsidy + 1)), new MemoryCoinView(), height, parameters), Is.EqualTo("bad-cb-amount"));
    }

    [Test]
    public void SubsidyIsZeroAfter64HalvingsEvenWhenTheShiftWouldWrap()
    {
        // A shift by 64 is a shift by 0 in C#: without the cap the full initial subsidy would come back.
        var parameters = Params(initialSubsidy: long.MaxValue / 2, halvingInterval: 1, maxMoney: long.MaxValue);
        Assert.That(Reason(Block(Coinbase(64, 1)), new MemoryCoinView(), 64, parameters), Is.EqualTo("bad-cb-amount"));
        Assert.That(Reason(Block(Coinbase(63, 0)), new MemoryCoinView(), 63, parameters), Is.Null);
    }

    [Test]
    public void OutputThatWouldOverwriteAnUnspentCoin_BIP30()
    {
        var view = new MemoryCoinView();
        var spend = Spend(Fund(view, 1000), 1000);
        view.Add(Out(spend), new Coin(new TxOut(5, OpTrue), 1, false));
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), spend), view), Is.EqualTo("bad-txns-BIP30"));
    }

    [Test]
    public void RepeatedTxidWithinTheBlock_BIP30()
    {
        // Without the check, a zero-input transaction repeated after its output was spent would re-create that output.
        var view = new MemoryCoinView();
        var free = new Transaction(1, [], [new TxOut(0, OpTrue)], 0);
        var block = Block(Coinbase(Height, Subsidy), free, Spend(Out(free), 0), free);
        Assert.That(Reason(block, view), Is.EqualTo("bad-txns-BIP30"));
    }

    [Test]
    public void NoCoinbase()
    {
        var view = new MemoryCoinView();
        Assert.That(Reason(Block(Spend(Fund(view, 5), 5)), view), Is.EqualTo("bad-cb-missing"));
        Assert.That(Reason(Block(), view), Is.EqualTo("bad-cb-missing"));
    }

    [Test]
    public void SecondCoinbase() =>
        Assert.That(Reason(Block(Coinbase(Height, 1), Coinbase(Height, 1, tag: 9)), new MemoryCoinView()), Is.EqualTo("bad-cb-multiple"));

    [Test]
    public void HeightBasedRelativeLock_BIP68()
    {
        // Coin from height 10, lock of 5 blocks: the spend is valid from height 15.
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000, height: 10);
        var spend = Spend([funded], [1000], version: 2, sequence: 5);
        Assert.That(Reason(Block(Coinbase(14, 5000 >> 3), spend), view, 14), Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(Reason(Block(Coinbase(15, 5000 >> 3), spend), view, 15), Is.Null);
    }

    [Test]
    public void RelativeLocksOnlyApplyFromVersion2AndUnlessDisabled()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000, height: 10);
        Assert.That(Reason(Block(Coinbase(11, 5000 >> 2), Spend([funded], [1000], version: 1, sequence: 5)), view, 11), Is.Null);
        Assert.That(Reason(Block(Coinbase(11, 5000 >> 2), Spend([funded], [1000], version: 2, sequence: SequenceLocks.DisableFlag | 5)), view, 11), Is.Null);
        // Negative versions are large unsigned versions, as in Core.
        Assert.That(Reason(Block(Coinbase(11, 5000 >> 2), Spend([funded], [1000], version: -1, sequence: 5)), view, 11), Is.EqualTo("bad-txns-nonfinal"));
    }

    [Test]
    public void RelativeLockOnACoinFromTheSameBlock()
    {
        var view = new MemoryCoinView();
        var parent = Spend(Fund(view, 1000), 1000);
        var child = Spend([Out(parent)], [1000], version: 2, sequence: 1); // one block after the parent's: next block
        var childNow = Spend([Out(parent)], [1000], version: 2, sequence: 0);
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), parent, child), view), Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(Reason(Block(Coinbase(Height, Subsidy), parent, childNow), view), Is.Null);
    }

    [Test]
    public void TimeBasedRelativeLock_BIP68()
    {
        // Median-time-past of height h is 1000·h. Coin from height 10: its time is MTP(9) = 9000. Two 512-second
        // units: valid once the block's parent MTP is at least 9000 + 1024, i.e. from height 12 (MTP(11) = 11000).
        static long Mtp(int h) => 1000L * h;
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000, height: 10);
        var spend = Spend([funded], [1000], version: 2, sequence: SequenceLocks.TypeFlag | 2);
        Assert.That(Reason(Block(Coinbase(11, 5000 >> 2), spend), view, 11, mtp: Mtp), Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(Reason(Block(Coinbase(12, 5000 >> 3), spend), view, 12, mtp: Mtp), Is.Null);
        // With the time lock exactly at the boundary: MTP(h-1) must exceed coin time + 512·n - 1.
        static long Tight(int h) => h == 9 ? 9000 : h == 11 ? 9000 + 1023 : 0;
        Assert.That(Reason(Block(Coinbase(12, 5000 >> 3), spend), view, 12, mtp: Tight), Is.EqualTo("bad-txns-nonfinal"));
    }

    [Test]
    public void TimeBasedRelativeLockWithoutChainTimesIsNotFinal()
    {
        var view = new MemoryCoinView();
        var funded = Fund(view, 1000, height: 1);
        var spend = Spend([funded], [1000], version: 2, sequence: SequenceLocks.TypeFlag | 1);
        var block = Block(Coinbase(Height, Subsidy), spend);
        Assert.That(BlockConnector.Connect(block, Height, view, Params()).Violation?.Reason, Is.EqualTo("bad-txns-nonfinal"));
        Assert.That(BlockConnector.Connect(block, Height, view, Params(), h => 1000L * h).Violation, Is.Null);
    }

    [Test]
    public void DisconnectRejectsUndoDataOfTheWrongShape()
    {
        var view = new MemoryCoinView();
        var block = Block(Coinbase(Height, Subsidy), Spend(Fund(view, 1000), 1000));
        var error = Assert.Throws<ArgumentException>(() => BlockConnector.Disconnect(block, new BlockUndo([])));
        Assert.That(error!.Message, Does.Contain("0 coins").And.Contain("1 non-coinbase inputs"));
    }
}
