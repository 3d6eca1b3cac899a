using NUnit.Framework;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Wallet;

namespace TensorCash.Tests.Node.Wallet;

public class WalletBalanceTests
{
    private static readonly int Maturity = WalletFixture.Parameters.CoinbaseMaturity;
    private static readonly HashSet<OutPoint> NoneSpent = [];
    private static readonly KeyValuePair<OutPoint, TxOut>[] NoneUnconfirmed = [];

    private WalletFixture _fixture = null!;

    [SetUp]
    public void CreateWallet() => _fixture = new WalletFixture();

    [TearDown]
    public void DeleteWallet() => _fixture.Dispose();

    private NodeWallet Wallet => _fixture.Wallet;

    [Test]
    public void A_coinbase_becomes_spendable_exactly_when_the_next_block_may_spend_it()
    {
        const int coinHeight = 10;
        var coinbase = _fixture.Fund(50_0000_0000, coinHeight, coinbase: true);
        int lastImmatureTip = coinHeight + Maturity - 2; // the next block, at coinHeight + maturity - 1, may not spend it

        var before = Wallet.GetBalance(_fixture.Utxos, lastImmatureTip, NoneUnconfirmed, NoneSpent);
        Assert.That(before, Is.EqualTo(new WalletBalance(0, 50_0000_0000, 0)));
        Assert.That(Wallet.ListUnspent(_fixture.Utxos, lastImmatureTip, NoneSpent), Is.Empty);
        Assert.That(SpendAtHeight(coinbase, lastImmatureTip + 1), Is.EqualTo("bad-txns-premature-spend-of-coinbase"));

        var after = Wallet.GetBalance(_fixture.Utxos, lastImmatureTip + 1, NoneUnconfirmed, NoneSpent);
        Assert.That(after, Is.EqualTo(new WalletBalance(50_0000_0000, 0, 0)));
        Assert.That(Wallet.ListUnspent(_fixture.Utxos, lastImmatureTip + 1, NoneSpent).Single().OutPoint, Is.EqualTo(coinbase));
        Assert.That(SpendAtHeight(coinbase, lastImmatureTip + 2), Is.Null);
    }

    /// <summary>The consensus side of the maturity boundary: BlockConnector.CheckInputs on a spend at <paramref name="height"/>.</summary>
    private string? SpendAtHeight(OutPoint outPoint, int height)
    {
        var view = new MemoryCoinView();
        view.Add(outPoint, _fixture.Utxos[outPoint]);
        var tx = new Transaction(2, [new TxIn(outPoint, [])], [new TxOut(1, [0x51])], 0);
        return BlockConnector.CheckInputs(tx, height, new BlockCoinOverlay(view), WalletFixture.Parameters, new Coin[1], out _)?.Reason;
    }

    [Test]
    public void Balance_splits_spendable_immature_and_unconfirmed_and_ignores_other_scripts()
    {
        const int tip = 500;
        _fixture.Fund(1_000, height: 100);                                          // plain coin: spendable
        _fixture.Fund(2_000, height: tip, coinbase: false);                         // confirmed in the tip: spendable
        _fixture.Fund(4_000, height: tip - Maturity + 1, coinbase: true);           // mature in the next block
        _fixture.Fund(8_000, height: tip - Maturity + 2, coinbase: true);           // one block short
        _fixture.Add(16_000, WalletFixture.ScriptFor(WalletFixture.ForeignAddress())); // someone else's
        _fixture.Add(32_000, [0x51]);                                               // not P2PKH at all
        var unconfirmed = new[]
        {
            KeyValuePair.Create(_fixture.NextOutPoint(), new TxOut(64_000, WalletFixture.ScriptFor(Wallet.GetNewAddress()))),
            KeyValuePair.Create(_fixture.NextOutPoint(), new TxOut(128_000, WalletFixture.ScriptFor(WalletFixture.ForeignAddress()))),
        };

        Assert.That(Wallet.GetBalance(_fixture.Utxos, tip, unconfirmed, NoneSpent), Is.EqualTo(new WalletBalance(7_000, 8_000, 64_000)));
    }

    [Test]
    public void Coins_spent_by_unconfirmed_transactions_count_nowhere()
    {
        var spentConfirmed = _fixture.Fund(1_000);
        _fixture.Fund(2_000);
        var unconfirmedOutPoint = _fixture.NextOutPoint();
        var unconfirmed = new[] { KeyValuePair.Create(unconfirmedOutPoint, new TxOut(4_000, WalletFixture.ScriptFor(Wallet.GetNewAddress()))) };
        var spent = new HashSet<OutPoint> { spentConfirmed, unconfirmedOutPoint };

        Assert.That(Wallet.GetBalance(_fixture.Utxos, 10, unconfirmed, spent), Is.EqualTo(new WalletBalance(2_000, 0, 0)));
        Assert.That(Wallet.ListUnspent(_fixture.Utxos, 10, spent).Select(c => c.Value), Is.EqualTo(new[] { 2_000L }));
    }

    [Test]
    public void ListUnspent_gives_address_label_and_confirmations_oldest_first()
    {
        string address = Wallet.GetNewAddress("salary");
        _fixture.Add(3_000, WalletFixture.ScriptFor(address), height: 7);
        _fixture.Fund(5_000, height: 3);
        _fixture.Add(9_000, WalletFixture.ScriptFor(WalletFixture.ForeignAddress()), height: 1);

        var coins = Wallet.ListUnspent(_fixture.Utxos, 10, NoneSpent);
        Assert.That(coins.Select(c => (c.Value, c.Confirmations)), Is.EqualTo(new[] { (5_000L, 8), (3_000L, 4) }));
        Assert.That(coins[1].Address, Is.EqualTo(address));
        Assert.That(coins[1].Label, Is.EqualTo("salary"));
    }
}
