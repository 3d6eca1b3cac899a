using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Wallet;

namespace TensorCash.Tests.Node.Wallet;

/// <summary>The wallet against a real SQLite chainstate: coins arrive in a block, and the wallet's payment is mined.</summary>
public class WalletChainStateTests
{
    private static readonly HashSet<OutPoint> NoneSpent = [];
    private static readonly KeyValuePair<OutPoint, TxOut>[] NoneUnconfirmed = [];

    [Test]
    public void A_payment_built_from_the_chainstate_utxo_set_is_accepted_in_the_next_block()
    {
        using var fixture = new WalletFixture();
        var wallet = fixture.Wallet;
        using var chainState = new ChainState(Path.Combine(fixture.Directory, "chain"), RegtestChain.Parameters, (_, _, _) => null);
        var chain = new RegtestChain().MineEmpty(100); // the coinbase of block 1 (paying OP_TRUE) is spendable in block 101

        var coinbase = chain.Coinbase(1);
        var funding = new Transaction(1, [new TxIn(coinbase.OutPoint, [])],
            [new TxOut(coinbase.Value / 2, WalletFixture.ScriptFor(wallet.GetNewAddress())), new TxOut(coinbase.Value / 2, WalletFixture.ScriptFor(wallet.GetNewAddress()))], 0);
        chain.Mine(funding);
        foreach (var block in chain.Blocks.Skip(1))
            Assert.That(chainState.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));

        int tip = chainState.Tip.Height;
        Assert.That(wallet.GetBalance(chainState.GetUtxoSet(), tip, NoneUnconfirmed, NoneSpent), Is.EqualTo(new WalletBalance(coinbase.Value, 0, 0)));

        string destination = WalletFixture.ForeignAddress();
        long amount = coinbase.Value * 3 / 4; // needs both coins
        var created = wallet.CreateTransaction(destination, amount, 1_000, chainState.GetUtxoSet(), tip, NoneSpent);
        var result = chainState.AcceptBlock(chain.Mine(created.Transaction), RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain), result.ToString());

        var balance = wallet.GetBalance(chainState.GetUtxoSet(), chainState.Tip.Height, NoneUnconfirmed, NoneSpent);
        Assert.That(balance.Spendable, Is.EqualTo(coinbase.Value - amount - created.Fee));
        Assert.That(chainState.GetCoin(new OutPoint(created.Transaction.Txid, (uint)(1 - created.ChangeOutputIndex!.Value)))!.Output.ScriptPubKey,
            Is.EqualTo(WalletFixture.ScriptFor(destination)));
    }
}
