using NUnit.Framework;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Ledger;

public class MemoryCoinViewTests
{
    private static OutPoint At(byte seed) => new(Hashes.Sha256d([seed]), 0);
    private static Coin CoinOf(long value) => new(new TxOut(value, [0x51]), 1, false);

    [Test]
    public void AppliesRemovalsThenAdditions()
    {
        var view = new MemoryCoinView();
        view.Add(At(1), CoinOf(1));
        view.Apply(new CoinChanges([new(At(1), CoinOf(2)), new(At(2), CoinOf(3))], [At(1)]));
        Assert.That(view.GetCoin(At(1)), Is.EqualTo(CoinOf(2)));
        Assert.That(view.GetCoin(At(2)), Is.EqualTo(CoinOf(3)));
        Assert.That(view.Count, Is.EqualTo(2));
    }

    [Test]
    public void ChangesThatDoNotFitLeaveTheSetUntouched()
    {
        var view = new MemoryCoinView();
        view.Add(At(1), CoinOf(1));
        Assert.Throws<InvalidOperationException>(() => view.Apply(new CoinChanges([new(At(2), CoinOf(2))], [At(3)])));
        Assert.Throws<InvalidOperationException>(() => view.Apply(new CoinChanges([new(At(1), CoinOf(2))], [])));
        Assert.Throws<InvalidOperationException>(() => view.Apply(new CoinChanges([new(At(2), CoinOf(2)), new(At(2), CoinOf(2))], [])));
        Assert.Throws<InvalidOperationException>(() => view.Apply(new CoinChanges([], [At(1), At(1)])));
        Assert.That(view.Coins.Keys, Is.EqualTo(new[] { At(1) }));
        Assert.That(view.GetCoin(At(1)), Is.EqualTo(CoinOf(1)));
    }

    [Test]
    public void CoinsAreEqualByContentNotByScriptReference()
    {
        Assert.That(new Coin(new TxOut(5, [1, 2]), 3, true), Is.EqualTo(new Coin(new TxOut(5, [1, 2]), 3, true)));
        Assert.That(new Coin(new TxOut(5, [1, 2]), 3, true), Is.Not.EqualTo(new Coin(new TxOut(5, [1, 3]), 3, true)));
        Assert.That(new Coin(new TxOut(5, [1, 2]), 3, true), Is.Not.EqualTo(new Coin(new TxOut(5, [1, 2]), 3, false)));
    }
}
