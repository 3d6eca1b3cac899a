using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Tests.Chain.Script;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

/// <summary>
/// A block that extends the tip has its signatures verified with the chain lock released (issue 12), so its
/// connection under the lock finds every one in the signature cache; a block with a bad signature is still refused by
/// the connection, which alone decides.
/// </summary>
public class ChainStateScriptWarmupTests
{
    private const int Inputs = 12;
    private static readonly byte[] Key = ScriptTestKit.PrivateKeys[1];
    private static readonly byte[] PayTo = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(ScriptTestKit.PublicKeys[1]));

    /// <summary>A chain of 101 blocks whose last one pays <see cref="Inputs"/> P2PKH outputs, and a child block spending them all with signatures.</summary>
    private static (RegtestChain Chain, TensorCash.Chain.Blocks.Block Spending) SignedSpends(bool lastSignatureWrong)
    {
        var chain = new RegtestChain().MineEmpty(100);
        var (coin, value) = chain.Coinbase(1);
        long each = value / Inputs;
        var funding = new Transaction(1, [new TxIn(coin, [])], Enumerable.Range(0, Inputs).Select(_ => new TxOut(each, PayTo)).ToArray(), 0);
        chain.Mine(funding);
        var unsigned = new Transaction(1, Enumerable.Range(0, Inputs).Select(o => new TxIn(new OutPoint(funding.Txid, (uint)o), [])).ToArray(),
            [new TxOut(each * Inputs - 10_000, RegtestChain.OpTrue)], 0);
        var spend = unsigned;
        for (int i = 0; i < Inputs; i++)
        {
            byte[] scriptSig = TransactionSigner.SignP2PKH(unsigned, lastSignatureWrong && i == Inputs - 1 ? 0 : i, PayTo, Key);
            spend = TransactionSigner.WithScriptSig(spend, i, scriptSig);
        }
        return (chain, chain.Mine(spend));
    }

    [Test]
    public void TheConnectionOfABlockOnTheTipFindsEverySignatureAlreadyVerified()
    {
        var (chain, spending) = SignedSpends(lastSignatureWrong: false);
        using var scratch = new ScratchDirectory();
        using var state = new ChainState(scratch.Path, RegtestChain.Parameters, (_, _, _) => null);
        foreach (var block in chain.Blocks.Skip(1).SkipLast(1))
            Assert.That(state.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        long hits = state.Signatures.Hits;
        int cached = state.Signatures.Count;
        var result = state.AcceptBlock(spending, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain), result.ToString());
        Assert.That(state.Signatures.Count - cached, Is.EqualTo(Inputs), "each signature verified once, before the lock");
        Assert.That(state.Signatures.Hits - hits, Is.EqualTo(Inputs), "and found in the cache by the connection under the lock");
    }

    [Test]
    public void ABadSignatureIsStillRefusedByTheConnection()
    {
        var (chain, spending) = SignedSpends(lastSignatureWrong: true);
        using var scratch = new ScratchDirectory();
        using var state = new ChainState(scratch.Path, RegtestChain.Parameters, (_, _, _) => null);
        foreach (var block in chain.Blocks.Skip(1).SkipLast(1))
            Assert.That(state.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        var result = state.AcceptBlock(spending, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        Assert.That(result.Violation!.Reason, Does.StartWith(ScriptVerifier.ReasonPrefix), result.Violation.ToString());
        Assert.That(state.Tip.Height, Is.EqualTo(101));
    }
}
