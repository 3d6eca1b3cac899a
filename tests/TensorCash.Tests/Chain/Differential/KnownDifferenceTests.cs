using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using NbScriptError = NBitcoin.ScriptError;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// One test per documented difference (docs/protocol/chain.md, "Differences from Bitcoin, found by differential
/// testing") and per NBitcoin departure from Core: the smallest case, run by both interpreters, showing each side's
/// answer. If either side changes, the documentation is out of date and this fails.
/// </summary>
public class KnownDifferenceTests
{
    private static readonly byte[] Key = Script.ScriptTestKit.PrivateKeys[0];
    private static readonly byte[] PublicKey = Script.ScriptTestKit.PublicKeys[0];

    private static (ScriptError Ours, NbScriptError Bitcoin) RunBoth(Transaction tx, byte[] scriptSig, byte[] scriptPubKey)
    {
        tx = TransactionSigner.WithScriptSig(tx, 0, scriptSig);
        var ours = ScriptInterpreter.Verify(scriptSig, scriptPubKey, new TransactionSignatureChecker(tx, 0));
        var bitcoin = NBitcoinOracle.VerifyScript(NBitcoinOracle.ToNBitcoin(tx), 0, scriptSig, scriptPubKey, NBitcoinOracle.TensorCashFlags, cleanStack: true);
        return (ours.Error, bitcoin);
    }

    private static byte[] Push(params byte[][] items)
    {
        var builder = new ScriptBuilder();
        foreach (var item in items) builder.Push(item);
        return builder.ToArray();
    }

    [Test]
    public void MinimalIfAppliesToEveryScript()
    {
        var result = RunBoth(Script.ScriptTestKit.Spend([]), Push([0x02]), Script.ScriptAsm.Parse("IF 1 ELSE 0 ENDIF"));
        Assert.That(result, Is.EqualTo((ScriptError.MINIMALIF, NbScriptError.OK)));
    }

    [Test]
    public void UncompressedKeysAreNotKeys()
    {
        var unsigned = Script.ScriptTestKit.Spend([]);
        byte[] uncompressed = new NBitcoin.Key(Key).PubKey.Decompress().ToBytes();
        byte[] scriptPubKey = [.. Push(uncompressed), (byte)Opcode.OP_CHECKSIG];
        byte[] signature = TransactionSigner.CreateSignature(unsigned, 0, scriptPubKey, Key);
        Assert.That(RunBoth(unsigned, Push(signature), scriptPubKey), Is.EqualTo((ScriptError.PUBKEYTYPE, NbScriptError.OK)));
    }

    [Test]
    public void SingleWithoutAMatchingOutputIsRefusedInsteadOfSigningOne()
    {
        // Two inputs, one output: a SINGLE signature on input 1 signs Bitcoin's constant 1, valid for any such spend.
        var tx = new Transaction(1,
            [new TxIn(new OutPoint(RandomTransactions.RandomHash(new Random(1)), 0), []), new TxIn(Script.ScriptTestKit.SpentOutPoint, [])],
            [new TxOut(1, [(byte)Opcode.OP_1])], 0);
        byte[] scriptPubKey = [.. Push(PublicKey), (byte)Opcode.OP_CHECKSIG];
        byte[] signature = [.. Secp256k1Keys.Sign(Key, KnownDifferences.BitcoinSingleBugHash.ToArray()), SigHashType.Single];
        var scriptSig = Push(signature);
        var signed = TransactionSigner.WithScriptSig(tx, 1, scriptSig);
        var ours = ScriptInterpreter.Verify(scriptSig, scriptPubKey, new TransactionSignatureChecker(signed, 1));
        var bitcoin = NBitcoinOracle.VerifyScript(NBitcoinOracle.ToNBitcoin(signed), 1, scriptSig, scriptPubKey, NBitcoinOracle.TensorCashFlags, cleanStack: true);
        Assert.That((ours.Error, bitcoin), Is.EqualTo((ScriptError.SIG_HASHTYPE, NbScriptError.OK)));
    }

    [Test]
    public void SignaturesAreNotRemovedFromTheScriptCode()
    {
        // Bitcoin deletes pushes of the signature from the scriptCode before hashing (FindAndDelete). A signature can be
        // in the script it signs only in a scriptPubKey, which would have to contain a signature over a transaction
        // spending it, i.e. over its own txid: impossible on a chain, so only an isolated evaluation can show it.
        var unsigned = Script.ScriptTestKit.Spend([]);
        byte[] tail = [(byte)Opcode.OP_DROP, .. Push(PublicKey), (byte)Opcode.OP_CHECKSIG];
        byte[] signature = TransactionSigner.CreateSignature(unsigned, 0, tail, Key); // over the script with the push deleted
        byte[] scriptPubKey = [.. Push(signature), .. tail];
        Assert.That(RunBoth(unsigned, Push(signature), scriptPubKey), Is.EqualTo((ScriptError.NULLFAIL, NbScriptError.OK)));
    }

    [Test]
    public void NBitcoinRunsNop1AsCheckLockTimeVerify()
    {
        // Core: OP_NOP1 does nothing (its own vectors; CoreScriptVectorTests). NBitcoin 10.0.21 runs it as CLTV.
        var result = RunBoth(Script.ScriptTestKit.Spend([]), [], Script.ScriptAsm.Parse("1000 NOP1"));
        Assert.That(result.Ours, Is.EqualTo(ScriptError.OK));
        Assert.That(result.Bitcoin, Is.EqualTo(NbScriptError.UnsatisfiedLockTime));
    }

    [Test]
    public void NBitcoinSkipsTruncatedPushesInUnexecutedBranches()
    {
        // Core's reader fails on a push running past the end wherever it is (BAD_OPCODE); NBitcoin only when executed.
        var result = RunBoth(Script.ScriptTestKit.Spend([]), [], [(byte)Opcode.OP_1, (byte)Opcode.OP_0, (byte)Opcode.OP_IF, 0x05, 0x01]);
        Assert.That(result.Ours, Is.EqualTo(ScriptError.BAD_OPCODE));
        Assert.That(result.Bitcoin, Is.Not.EqualTo(NbScriptError.BadOpCode).And.Not.EqualTo(NbScriptError.OK));
    }

    [Test]
    public void NBitcoinDisagreesWithCoreOnWhatIsPushOnly()
    {
        // Core's IsPushOnly: every instruction reads and is <= OP_16. So OP_RESERVED (0x50) passes it (and then fails as
        // BAD_OPCODE) and a truncated push fails it (SIG_PUSHONLY); NBitcoin has it the other way round. Both reject.
        Assert.That(RunBoth(Script.ScriptTestKit.Spend([]), [(byte)Opcode.OP_RESERVED], [(byte)Opcode.OP_1]),
            Is.EqualTo((ScriptError.BAD_OPCODE, NbScriptError.SigPushOnly)));
        Assert.That(RunBoth(Script.ScriptTestKit.Spend([]), [(byte)Opcode.OP_PUSHDATA1, 0x01], [(byte)Opcode.OP_1]),
            Is.EqualTo((ScriptError.SIG_PUSHONLY, NbScriptError.BadOpCode)));
    }
}
