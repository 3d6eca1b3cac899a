using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;

namespace TensorCash.Tests.Chain.Ledger;

public class TransactionRulesTests
{
    private static readonly OutPoint Prev = new(Hashes.Sha256d([7]), 0);
    private static readonly OutPoint Prev2 = new(Hashes.Sha256d([8]), 1);

    private static string? Reason(Transaction tx, long maxMoney = 1_000_000, int maxBlockBytes = 20_000) =>
        TransactionRules.CheckTransaction(tx, Params(maxMoney: maxMoney, maxBlockBytes: maxBlockBytes))?.Reason;

    [Test]
    public void ValidSpendAndCoinbasePass()
    {
        Assert.That(Reason(Spend([Prev, Prev2], [10, 20])), Is.Null);
        Assert.That(Reason(Coinbase(17, 50)), Is.Null);
    }

    [Test]
    public void NoInputs() => Assert.That(Reason(Spend([], [1])), Is.EqualTo("bad-txns-vin-empty"));

    [Test]
    public void NoOutputs() => Assert.That(Reason(Spend([Prev], [])), Is.EqualTo("bad-txns-vout-empty"));

    [Test]
    public void LargerThanABlock()
    {
        var tx = new Transaction(1, [new TxIn(Prev, new byte[600])], [new TxOut(1, OpTrue)], 0);
        Assert.That(Reason(tx, maxBlockBytes: tx.SerializedSize - 1), Is.EqualTo("bad-txns-oversize"));
        Assert.That(Reason(tx, maxBlockBytes: tx.SerializedSize), Is.Null);
    }

    [Test]
    public void NegativeOutput() => Assert.That(Reason(Spend([Prev], [5, -1])), Is.EqualTo("bad-txns-vout-negative"));

    [Test]
    public void OutputAboveMaxMoney()
    {
        Assert.That(Reason(Spend([Prev], [1001]), maxMoney: 1000), Is.EqualTo("bad-txns-vout-toolarge"));
        Assert.That(Reason(Spend([Prev], [1000]), maxMoney: 1000), Is.Null);
    }

    [Test]
    public void OutputTotalAboveMaxMoney()
    {
        Assert.That(Reason(Spend([Prev], [600, 401]), maxMoney: 1000), Is.EqualTo("bad-txns-txouttotal-toolarge"));
        Assert.That(Reason(Spend([Prev], [600, 400]), maxMoney: 1000), Is.Null);
    }

    [Test]
    public void OutputTotalThatWouldOverflowASignedSumIsCaught() =>
        // Two outputs of MaxMoney = long.MaxValue each: a naive sum wraps negative and would look small.
        Assert.That(Reason(Spend([Prev], [long.MaxValue, long.MaxValue]), maxMoney: long.MaxValue), Is.EqualTo("bad-txns-txouttotal-toolarge"));

    [Test]
    public void DuplicateInputs_CVE_2018_17144() =>
        Assert.That(Reason(Spend([Prev, Prev2, Prev], [1])), Is.EqualTo("bad-txns-inputs-duplicate"));

    [Test]
    public void CoinbaseScriptLength()
    {
        static Transaction WithScript(int length) => new(1, [new TxIn(OutPoint.Null, new byte[length])], [new TxOut(1, OpTrue)], 0);
        Assert.That(Reason(WithScript(1)), Is.EqualTo("bad-cb-length"));
        Assert.That(Reason(WithScript(101)), Is.EqualTo("bad-cb-length"));
        Assert.That(Reason(WithScript(2)), Is.Null);
        Assert.That(Reason(WithScript(100)), Is.Null);
    }

    [Test]
    public void NullPrevoutOutsideACoinbase() =>
        // Two inputs, so the transaction is not a coinbase even though one input looks like one.
        Assert.That(Reason(Spend([Prev, OutPoint.Null], [1])), Is.EqualTo("bad-txns-prevout-null"));

    [Test]
    public void MoneyTryAddAgreesWithExactArithmetic()
    {
        var amounts = Gen.OneOf(Gen.Choose(-5, 1005).Select(v => (long)v), Gen.Elements(long.MinValue, -1L, 0L, long.MaxValue - 1, long.MaxValue));
        Prop.ForAll(amounts.ToArbitrary(), amounts.ToArbitrary(), Gen.Elements(1000L, long.MaxValue).ToArbitrary(), (sum, value, max) =>
        {
            bool ok = Money.TryAdd(sum, value, max, out long result);
            var exact = (BigInteger)sum + value;
            bool expected = sum >= 0 && sum <= max && value >= 0 && value <= max && exact <= max;
            return ok == expected && (!ok || result == exact);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }
}
