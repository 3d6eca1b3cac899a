using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Wallet;

namespace TensorCash.Tests.Node.Wallet;

public class CreateTransactionTests
{
    private const int Tip = 1_000;
    private const long Coin = 100_000_000;
    private static readonly HashSet<OutPoint> NoneSpent = [];

    private WalletFixture _fixture = null!;

    [SetUp]
    public void CreateWallet() => _fixture = new WalletFixture();

    [TearDown]
    public void DeleteWallet() => _fixture.Dispose();

    private NodeWallet Wallet => _fixture.Wallet;

    private CreatedTransaction Send(string address, long amount, long feeRate = 1_000, IReadOnlySet<OutPoint>? spent = null) =>
        Wallet.CreateTransaction(address, amount, feeRate, _fixture.Utxos, Tip, spent ?? NoneSpent);

    private WalletException SendFails(string address, long amount, long feeRate = 1_000, IReadOnlySet<OutPoint>? spent = null) =>
        Assert.Throws<WalletException>(() => Send(address, amount, feeRate, spent))!;

    /// <summary>What every node will check: structure, each input's script, input values and maturity, and finality in the next block.</summary>
    private void AssertValidInNextBlock(CreatedTransaction created)
    {
        var tx = created.Transaction;
        Assert.That(TransactionRules.CheckTransaction(tx, WalletFixture.Parameters), Is.Null);
        for (int i = 0; i < tx.Inputs.Count; i++)
            Assert.That(ScriptVerifier.VerifyInput(tx, i, _fixture.Utxos[tx.Inputs[i].Prevout].Output), Is.Null, $"input {i}");
        var view = new MemoryCoinView();
        foreach (var (outPoint, coin) in _fixture.Utxos) view.Add(outPoint, coin);
        var violation = BlockConnector.CheckInputs(tx, Tip + 1, new BlockCoinOverlay(view), WalletFixture.Parameters, new Coin[tx.Inputs.Count], out long fee);
        Assert.That(violation, Is.Null);
        Assert.That(fee, Is.EqualTo(created.Fee));
        Assert.That(TransactionFinality.IsFinal(tx, Tip + 1, medianTimePast: 0), Is.True);
    }

    [Test]
    public void Pays_the_amount_and_sends_change_to_a_new_wallet_key_saved_on_disk()
    {
        for (int i = 0; i < 5; i++) _fixture.Fund(Coin);
        string destination = WalletFixture.ForeignAddress();
        var created = Send(destination, 150_000_000);

        var tx = created.Transaction;
        AssertValidInNextBlock(created);
        Assert.That(tx.Inputs, Has.Count.EqualTo(2));
        Assert.That(tx.Outputs, Has.Count.EqualTo(2));
        Assert.That(created.ChangeOutputIndex, Is.Not.Null);
        var payment = tx.Outputs[1 - created.ChangeOutputIndex!.Value];
        var change = tx.Outputs[created.ChangeOutputIndex.Value];
        Assert.That(payment.Value, Is.EqualTo(150_000_000));
        Assert.That(payment.ScriptPubKey, Is.EqualTo(WalletFixture.ScriptFor(destination)));
        Assert.That(change.Value, Is.EqualTo(2 * Coin - 150_000_000 - created.Fee));
        Assert.That(Wallet.IsMine(change.ScriptPubKey), Is.True);
        Assert.That(Wallet.Addresses.Select(WalletFixture.ScriptFor), Has.None.EqualTo(change.ScriptPubKey), "change is not a receiving address");
        Assert.That(_fixture.Reopen().IsMine(change.ScriptPubKey), Is.True, "the change key was saved");
    }

    [Test]
    public void Data_outputs_follow_the_destination_at_output_0_and_change_goes_last()
    {
        for (int i = 0; i < 3; i++) _fixture.Fund(Coin);
        var data = new TxOut(0, [0x6a, 0x04, (byte)'T', (byte)'C', (byte)'M', (byte)'R', 0x4c, 0x60, .. new byte[0x60]]);
        var destination = WalletFixture.ScriptFor(WalletFixture.ForeignAddress());
        for (int round = 0; round < 8; round++) // the position must not be random with data outputs
        {
            var created = Wallet.CreateTransaction(destination, 150_000_000, 1_000, _fixture.Utxos, Tip, NoneSpent, [data]);
            AssertValidInNextBlock(created);
            var tx = created.Transaction;
            Assert.That(tx.Outputs[0].ScriptPubKey, Is.EqualTo(destination));
            Assert.That(tx.Outputs[0].Value, Is.EqualTo(150_000_000));
            Assert.That(tx.Outputs[1], Is.EqualTo(data));
            Assert.That(created.ChangeOutputIndex, Is.EqualTo(2));
            Assert.That(created.Fee, Is.GreaterThanOrEqualTo(tx.SerializedSize), "the data output is paid for at 1000 per 1000 bytes");
        }
        Assert.Throws<WalletException>(() => Wallet.CreateTransaction(destination, Coin, 1_000, _fixture.Utxos, Tip, NoneSpent, [new TxOut(1, data.ScriptPubKey)]));
        Assert.Throws<WalletException>(() => Wallet.CreateTransaction(destination, Coin, 1_000, _fixture.Utxos, Tip, NoneSpent, [new TxOut(0, destination)]));
    }

    [TestCase(0)]
    [TestCase(1_000)]
    [TestCase(2_345)]
    [TestCase(100_000)]
    public void The_fee_pays_the_rate_on_the_exact_signed_size(long feeRate)
    {
        for (int i = 0; i < 30; i++) _fixture.Fund(100_000 + i);
        var created = Send(WalletFixture.ForeignAddress(), 1_000_000, feeRate);

        AssertValidInNextBlock(created);
        var tx = created.Transaction;
        Assert.That(tx.Inputs.Count, Is.GreaterThanOrEqualTo(10));
        long required = TransactionCost.FeeFor(tx.SerializedSize, feeRate);
        if (created.ChangeOutputIndex is not null) Assert.That(created.Fee, Is.EqualTo(required));
        else Assert.That(created.Fee, Is.GreaterThanOrEqualTo(required));
    }

    [Test]
    public void Signatures_are_ground_to_the_planned_size_so_the_size_is_known_before_signing()
    {
        for (int i = 0; i < 40; i++) _fixture.Fund(50_000);
        var tx = Send(WalletFixture.ForeignAddress(), 1_500_000).Transaction;
        var outputSizes = tx.Outputs.Select(o => TransactionCost.OutputBytes(o.ScriptPubKey));
        Assert.That(tx.SerializedSize, Is.EqualTo(TransactionCost.EstimateSize(tx.Inputs.Count, outputSizes)));
        Assert.That(tx.Inputs.Select(i => 36 + 1 + i.ScriptSig.Length + 4), Has.All.EqualTo(TransactionCost.SignedP2PkhInputBytes));
    }

    [Test]
    public void Leftover_below_the_change_threshold_goes_to_the_fee()
    {
        const long amount = 10_000_000;
        // One input, one P2PKH output: 4 + 1 + 147 + 1 + 34 + 4 = 191 bytes, so 191 at 1000 per 1000 bytes.
        long feeWithoutChange = TransactionCost.FeeFor(TransactionCost.EstimateSize(1, [TransactionCost.P2PkhOutputBytes]), 1_000);
        Assert.That(feeWithoutChange, Is.EqualTo(191));
        _fixture.Fund(amount + feeWithoutChange + TransactionCost.P2PkhDustThreshold);

        var created = Send(WalletFixture.ForeignAddress(), amount);
        AssertValidInNextBlock(created);
        Assert.That(created.ChangeOutputIndex, Is.Null);
        Assert.That(created.Transaction.Outputs, Has.Count.EqualTo(1));
        Assert.That(created.Fee, Is.EqualTo(feeWithoutChange + TransactionCost.P2PkhDustThreshold));
        Assert.That(_fixture.Reopen().WatchedScripts, Has.Count.EqualTo(1), "no change key was kept for a transaction without change");
    }

    [Test]
    public void Leftover_worth_an_output_becomes_change_of_at_least_the_dust_threshold()
    {
        const long amount = 10_000_000;
        long feeWithoutChange = TransactionCost.FeeFor(TransactionCost.EstimateSize(1, [TransactionCost.P2PkhOutputBytes]), 1_000);
        long changeOutputFee = TransactionCost.FeeFor(TransactionCost.P2PkhOutputBytes, 1_000);
        _fixture.Fund(amount + feeWithoutChange + changeOutputFee + TransactionCost.P2PkhDustThreshold);

        var created = Send(WalletFixture.ForeignAddress(), amount);
        AssertValidInNextBlock(created);
        Assert.That(created.ChangeOutputIndex, Is.Not.Null);
        Assert.That(created.Transaction.Outputs[created.ChangeOutputIndex!.Value].Value, Is.GreaterThanOrEqualTo(TransactionCost.P2PkhDustThreshold));
    }

    [Test]
    public void The_dust_threshold_of_P2PKH_is_Cores_546()
    {
        Assert.That(TransactionCost.P2PkhDustThreshold, Is.EqualTo(546));
        Assert.That(TransactionCost.MaxP2PkhInputBytes, Is.EqualTo(148));
        Assert.That(TransactionCost.SignedP2PkhInputBytes, Is.EqualTo(147));
        Assert.That(TransactionCost.DustThreshold(ScriptTemplates.NullData([1, 2, 3])), Is.Zero);
    }

    [Test]
    public void Insufficient_funds_says_what_is_available_and_what_is_needed_with_the_fee()
    {
        _fixture.Fund(1_000);
        _fixture.Fund(2_000);
        var e = SendFails(WalletFixture.ForeignAddress(), 5_000);
        Assert.That(e.Error, Is.EqualTo(WalletError.InsufficientFunds));
        // Needed: 5000 + fee of 4 + 1 + 1 + 34 + 4 = 44 bytes plus two 147-byte inputs = 338.
        Assert.That(e.Message, Does.Contain("insufficient funds").And.Contain("needs 0.00005338").And.Contain("fee of 0.00000338")
            .And.Contain("has 0.00003000 spendable in 2 coins"));
    }

    [Test]
    public void Coins_spent_by_unconfirmed_transactions_are_not_spent_again()
    {
        var spentInMempool = _fixture.Fund(10 * Coin);
        var free = _fixture.Fund(3 * Coin);
        var spent = new HashSet<OutPoint> { spentInMempool };

        for (int i = 0; i < 5; i++)
        {
            var created = Send(WalletFixture.ForeignAddress(), Coin, spent: spent);
            Assert.That(created.Transaction.Inputs.Select(input => input.Prevout), Is.EqualTo(new[] { free }));
        }
        var e = SendFails(WalletFixture.ForeignAddress(), 5 * Coin, spent: spent);
        Assert.That(e.Message, Does.Contain("has 3.00000000 spendable in 1 coins"));
    }

    [Test]
    public void Immature_coinbase_outputs_are_not_spent()
    {
        _fixture.Fund(50 * Coin, height: Tip, coinbase: true);
        _fixture.Fund(Coin);
        Assert.That(Send(WalletFixture.ForeignAddress(), Coin / 2).Transaction.Inputs, Has.Count.EqualTo(1));
        var e = SendFails(WalletFixture.ForeignAddress(), 2 * Coin);
        Assert.That(e.Message, Does.Contain("has 1.00000000 spendable").And.Contain("immature coinbase outputs"));
    }

    [Test]
    public void An_invalid_address_is_reported_with_the_decoder_error()
    {
        _fixture.Fund(Coin);
        var garbage = SendFails("tcrt1notanaddress", 1_000);
        Assert.That(garbage.Error, Is.EqualTo(WalletError.InvalidAddress));
        Assert.That(Address.TryDecode("tcrt1notanaddress", WalletFixture.Parameters.Bech32Hrp, out _, out var decoderError), Is.False);
        Assert.That(garbage.Message, Does.Contain(decoderError));

        string mainAddress = Address.Encode(new byte[Hash160.Size], ChainParams.Main.Bech32Hrp);
        var otherNetwork = SendFails(mainAddress, 1_000);
        Assert.That(otherNetwork.Message, Does.Contain("invalid destination address").And.Contain("another network"));
    }

    [TestCase(0L, "is not positive")]
    [TestCase(-5L, "is not positive")]
    [TestCase(21_000_000 * Coin + 1, "exceeds the money supply limit")]
    [TestCase(545L, "below the dust threshold 0.00000546")]
    public void Amounts_the_network_would_refuse_are_rejected(long amount, string expected)
    {
        _fixture.Fund(Coin);
        var e = SendFails(WalletFixture.ForeignAddress(), amount);
        Assert.That(e.Error, Is.EqualTo(WalletError.InvalidAmount));
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void The_dust_threshold_itself_can_be_sent()
    {
        _fixture.Fund(Coin);
        AssertValidInNextBlock(Send(WalletFixture.ForeignAddress(), 546));
    }

    [TestCase(-1L, "fee rate -1 per 1000 bytes is outside")]
    [TestCase(WalletTransactionBuilder.MaxFee + 1, "is outside")]
    public void Fee_rates_outside_the_wallet_limits_are_rejected(long feeRate, string expected)
    {
        _fixture.Fund(Coin);
        var e = SendFails(WalletFixture.ForeignAddress(), 1_000, feeRate);
        Assert.That(e.Error, Is.EqualTo(WalletError.InvalidAmount));
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void A_fee_over_the_wallet_maximum_is_refused()
    {
        for (int i = 0; i < 10; i++) _fixture.Fund(2 * Coin);
        // Seven inputs make over 1000 bytes, so the fee at MaxFee per 1000 bytes exceeds MaxFee.
        var e = SendFails(WalletFixture.ForeignAddress(), 13 * Coin, WalletTransactionBuilder.MaxFee);
        Assert.That(e.Error, Is.EqualTo(WalletError.InvalidAmount));
        Assert.That(e.Message, Does.Contain("over the wallet's limit of 0.10000000"));
    }

    [Test]
    public void A_transaction_too_large_to_relay_is_refused_before_signing()
    {
        var script = WalletFixture.ScriptFor(Wallet.GetNewAddress());
        for (int i = 0; i < 700; i++) _fixture.Add(10_000, script);
        var e = SendFails(WalletFixture.ForeignAddress(), 6_900_000, feeRate: 0);
        Assert.That(e.Error, Is.EqualTo(WalletError.TransactionTooLarge));
        Assert.That(e.Message, Does.Contain("690 inputs").And.Contain($"at most {WalletTransactionBuilder.MaxStandardTransactionBytes}"));
    }

    [Test]
    public void Any_spendable_script_can_be_paid_but_not_an_unspendable_one()
    {
        _fixture.Fund(Coin);
        byte[] opTrue = [(byte)Opcode.OP_1];
        var created = Wallet.CreateTransaction(opTrue, 10_000, 1_000, _fixture.Utxos, Tip, NoneSpent);
        AssertValidInNextBlock(created);
        Assert.That(created.Transaction.Outputs.Count(o => o.ScriptPubKey.SequenceEqual(opTrue) && o.Value == 10_000), Is.EqualTo(1));

        var e = Assert.Throws<WalletException>(() =>
            Wallet.CreateTransaction(ScriptTemplates.NullData([1]), 10_000, 1_000, _fixture.Utxos, Tip, NoneSpent))!;
        Assert.That(e.Error, Is.EqualTo(WalletError.InvalidAddress));
        Assert.That(e.Message, Does.Contain("can never be spent"));
    }

    [Test]
    public void The_lock_time_is_the_tip_so_the_transaction_only_fits_the_next_block()
    {
        _fixture.Fund(Coin);
        var tx = Send(WalletFixture.ForeignAddress(), 1_000).Transaction;
        Assert.That(tx.LockTime, Is.EqualTo((uint)Tip));
        Assert.That(tx.Inputs.Select(i => i.Sequence), Has.All.EqualTo(TxIn.SequenceFinal - 1));
        Assert.That(TransactionFinality.IsFinal(tx, Tip, medianTimePast: 0), Is.False);
        Assert.That(TransactionFinality.IsFinal(tx, Tip + 1, medianTimePast: 0), Is.True);
    }
}
