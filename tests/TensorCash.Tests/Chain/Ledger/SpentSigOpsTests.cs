using NUnit.Framework;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Chain.Script;
using TensorCash.Tests.Node.Mempool;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;

namespace TensorCash.Tests.Chain.Ledger;

/// <summary>BIP54's limit on the sigops of the scripts a transaction spends ("bad-txns-spent-sigops").</summary>
public class SpentSigOpsTests
{
    /// <summary>
    /// <c>OP_0 OP_IF OP_CHECKMULTISIG×n OP_ENDIF OP_1</c>: spendable by an empty scriptSig (the branch never runs), yet
    /// counted as 20 sigops per CHECKMULTISIG, as the counting is static.
    /// </summary>
    private static byte[] UnexecutedMultisigs(int count)
    {
        var builder = new ScriptBuilder().Op(Opcode.OP_0).Op(Opcode.OP_IF);
        for (int i = 0; i < count; i++) builder.Op(Opcode.OP_CHECKMULTISIG);
        return builder.Op(Opcode.OP_ENDIF).Op(Opcode.OP_1).ToArray();
    }

    private static OutPoint Fund(MemoryCoinView view, byte[] script, long value = 1_000)
    {
        var outPoint = new OutPoint(Hashes.Sha256d(script.Concat(BitConverter.GetBytes(view.Coins.Count)).ToArray()), 0);
        view.Add(outPoint, new Coin(new TxOut(value, script), 1, false));
        return outPoint;
    }

    [Test]
    public void CountsAccuratelyAsBip16()
    {
        Assert.That(ScriptVerifier.CountAccurateSigOps(ScriptTemplates.Multisig(2, ScriptTestKit.PublicKeys)), Is.EqualTo(3));
        Assert.That(ScriptVerifier.CountLegacySigOps(ScriptTemplates.Multisig(2, ScriptTestKit.PublicKeys)), Is.EqualTo(20));
        Assert.That(ScriptVerifier.CountAccurateSigOps(UnexecutedMultisigs(2)), Is.EqualTo(40), "no small number before it: 20 each");
        Assert.That(ScriptVerifier.CountAccurateSigOps(ScriptTemplates.PayToPubKeyHash(new byte[20])), Is.EqualTo(1));
        Assert.That(ScriptVerifier.CountAccurateSigOps([(byte)Opcode.OP_CHECKSIG, 0x4c]), Is.EqualTo(1), "stops at a truncated push");
        Assert.That(ScriptVerifier.CountAccurateSigOps(SignatureHashCacheTests.AttackScript()), Is.EqualTo(101));
    }

    [Test]
    public void CountsTheSpentScriptsAndTheScriptSigsButNotTheOutputs()
    {
        var view = new MemoryCoinView();
        var a = Fund(view, UnexecutedMultisigs(3));
        var b = Fund(view, ScriptTemplates.PayToPubKey(ScriptTestKit.PublicKeys[0]));
        var tx = new Transaction(1, [new TxIn(a, []), new TxIn(b, [(byte)Opcode.OP_CHECKSIG])],
            [new TxOut(1, SignatureHashCacheTests.AttackScript())], 0);
        Assert.That(SpentSigOps.Count(tx, [view.GetCoin(a)!, view.GetCoin(b)!]), Is.EqualTo(60 + 1 + 1));
    }

    [Test]
    public void BlockConnectionAcceptsTheLimitAndRefusesOneMore()
    {
        var parameters = Params(maxSigOps: 40);
        // 125 CHECKMULTISIGs = 2,500 sigops: exactly the limit, and the scripts run (the branch is skipped).
        var view = new MemoryCoinView();
        var atLimit = Spend(Fund(view, UnexecutedMultisigs(125)), 900);
        var outcome = BlockConnector.Connect(Block(Coinbase(10, 1_250), atLimit), 10, view, parameters);
        Assert.That(outcome.Violation, Is.Null, outcome.Violation?.ToString());

        // Spread over two inputs, 2,520: refused before any script runs.
        view = new MemoryCoinView();
        var over = Spend([Fund(view, UnexecutedMultisigs(100)), Fund(view, UnexecutedMultisigs(26))], [1_900]);
        outcome = BlockConnector.Connect(Block(Coinbase(10, 1_250), over), 10, view, parameters);
        Assert.That(outcome.Violation?.Reason, Is.EqualTo("bad-txns-spent-sigops"));
        Assert.That(outcome.Violation!.Message, Does.Contain("2520").And.Contain("2500"));
    }

    [Test]
    public void TheMempoolRefusesItToo()
    {
        var chain = new TestChain();
        var pool = new TransactionPool(TestChain.Parameters);
        var over = new Transaction(1, [new TxIn(Fund(chain.Coins, UnexecutedMultisigs(126), 1_000_000), [])],
            [new TxOut(450_000, TestChain.OpTrue), new TxOut(450_000, TestChain.OpTrue)], 0);
        var result = chain.Offer(pool, over);
        Assert.That(result.Rejection?.Reason, Is.EqualTo(SpentSigOps.Reason), result.Rejection?.ToString());

        var atLimit = new Transaction(1, [new TxIn(Fund(chain.Coins, UnexecutedMultisigs(125), 1_000_000), [])],
            [new TxOut(450_000, TestChain.OpTrue), new TxOut(450_000, TestChain.OpTrue)], 0);
        var accepted = chain.Offer(pool, atLimit);
        Assert.That(accepted.Accepted, Is.True, accepted.Rejection?.ToString());
    }
}
