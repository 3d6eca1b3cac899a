using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Script.ScriptTestKit;

namespace TensorCash.Tests.Chain.Script;

/// <summary>End to end: build each template output, spend it with TransactionSigner, verify; then tamper.</summary>
public class TemplateSpendTests
{
    private static readonly byte[] KeyHash = Hash160.Compute(PublicKeys[0]);

    private static Transaction Unsigned(uint sequence = TxIn.SequenceFinal, int version = 1, uint lockTime = 0) =>
        Spend([], sequence, version, lockTime, outputs: 2);

    private static Transaction WithOutput(Transaction tx, int index, TxOut output)
    {
        var outputs = tx.Outputs.ToArray();
        outputs[index] = output;
        return new Transaction(tx.Version, tx.Inputs, outputs, tx.LockTime);
    }

    private static Transaction WithExtraInput(Transaction tx) =>
        new(tx.Version, [.. tx.Inputs, new TxIn(new OutPoint(SpentOutPoint.Txid, 5), [])], tx.Outputs, tx.LockTime);

    [Test]
    public void PayToPubKeyHash()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKeyHash(KeyHash);
        var signed = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PKH(tx, 0, scriptPubKey, PrivateKeys[0]));
        AssertPasses(Verify(signed, scriptPubKey));

        AssertFails(ScriptError.NULLFAIL, Verify(WithOutput(signed, 0, new TxOut(999_999, [])), scriptPubKey));
        var otherKey = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PKH(tx, 0, scriptPubKey, PrivateKeys[1]));
        AssertFails(ScriptError.EQUALVERIFY, Verify(otherKey, scriptPubKey));
    }

    [Test]
    public void PayToPubKey()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[1]);
        var signed = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[1]));
        AssertPasses(Verify(signed, scriptPubKey));
        var relocked = new Transaction(signed.Version, signed.Inputs, signed.Outputs, lockTime: 1);
        AssertFails(ScriptError.NULLFAIL, Verify(relocked, scriptPubKey));
    }

    [Test]
    public void TwoOfThreeMultisig()
    {
        var scriptPubKey = ScriptTemplates.Multisig(2, PublicKeys);
        Assert.That(ScriptVerifier.CountLegacySigOps(scriptPubKey), Is.EqualTo(20));
        var unsigned = Unsigned();

        AssertPasses(Verify(SignedWith(unsigned, tx => TransactionSigner.SignMultisig(tx, 0, scriptPubKey, [PrivateKeys[0], PrivateKeys[2]])), scriptPubKey));
        AssertPasses(Verify(SignedWith(unsigned, tx => TransactionSigner.SignMultisig(tx, 0, scriptPubKey, [PrivateKeys[1], PrivateKeys[2]])), scriptPubKey));

        var wrongOrder = SignedWith(unsigned, tx => TransactionSigner.SignMultisig(tx, 0, scriptPubKey, [PrivateKeys[2], PrivateKeys[0]]));
        AssertFails(ScriptError.NULLFAIL, Verify(wrongOrder, scriptPubKey));
        var oneSignature = SignedWith(unsigned, tx => TransactionSigner.SignMultisig(tx, 0, scriptPubKey, [PrivateKeys[0]]));
        AssertFails(ScriptError.INVALID_STACK_OPERATION, Verify(oneSignature, scriptPubKey));
        var sameKeyTwice = SignedWith(unsigned, tx => TransactionSigner.SignMultisig(tx, 0, scriptPubKey, [PrivateKeys[0], PrivateKeys[0]]));
        AssertFails(ScriptError.NULLFAIL, Verify(sameKeyTwice, scriptPubKey));
        AssertFails(ScriptError.EVAL_FALSE, Verify(TransactionSigner.WithScriptSig(unsigned, 0, ScriptAsm.Parse("0 0 0")), scriptPubKey));
    }

    [Test]
    public void Sha256Hashlock()
    {
        var preimage = "the secret"u8.ToArray();
        var scriptPubKey = ScriptTemplates.Sha256Hashlock(SHA256.HashData(preimage));
        AssertPasses(Verify(Spend(new ScriptBuilder().Push(preimage).ToArray()), scriptPubKey));
        AssertFails(ScriptError.EVAL_FALSE, Verify(Spend(new ScriptBuilder().Push("a guess"u8).ToArray()), scriptPubKey));
    }

    [Test]
    public void Hash160Hashlock()
    {
        var preimage = "another secret"u8.ToArray();
        var scriptPubKey = ScriptTemplates.Hash160Hashlock(Hash160.Compute(preimage));
        AssertPasses(Verify(Spend(new ScriptBuilder().Push(preimage).ToArray()), scriptPubKey));
        AssertFails(ScriptError.EVAL_FALSE, Verify(Spend(new ScriptBuilder().Push("a guess"u8).ToArray()), scriptPubKey));
    }

    [Test]
    public void Sha256HashlockWithKey()
    {
        var preimage = "claim"u8.ToArray();
        var scriptPubKey = ScriptTemplates.Sha256HashlockWithKey(SHA256.HashData(preimage), PublicKeys[2]);
        byte[] ScriptSig(Transaction tx, byte[] secret) =>
            new ScriptBuilder().Push(TransactionSigner.CreateSignature(tx, 0, scriptPubKey, PrivateKeys[2])).Push(secret).ToArray();

        AssertPasses(Verify(SignedWith(Unsigned(), tx => ScriptSig(tx, preimage)), scriptPubKey));
        AssertFails(ScriptError.EQUALVERIFY, Verify(SignedWith(Unsigned(), tx => ScriptSig(tx, "wrong"u8.ToArray())), scriptPubKey));
        // Knowing the preimage is not enough once it is public: the key must sign too.
        var stolen = new ScriptBuilder().Push(TransactionSigner.CreateSignature(Unsigned(), 0, scriptPubKey, PrivateKeys[0])).Push(preimage).ToArray();
        AssertFails(ScriptError.NULLFAIL, Verify(TransactionSigner.WithScriptSig(Unsigned(), 0, stolen), scriptPubKey));
    }

    [Test]
    public void AbsoluteTimelock()
    {
        var scriptPubKey = ScriptTemplates.AbsoluteTimelock(1_000, KeyHash);
        Transaction SignedAt(uint lockTime, uint sequence) =>
            SignedWith(Unsigned(sequence, lockTime: lockTime), tx => TransactionSigner.SignP2PKH(tx, 0, scriptPubKey, PrivateKeys[0]));

        AssertPasses(Verify(SignedAt(1_000, 0xFFFF_FFFE), scriptPubKey));
        AssertPasses(Verify(SignedAt(5_000, 0), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedAt(999, 0xFFFF_FFFE), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedAt(1_000, TxIn.SequenceFinal), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedAt(1_700_000_000, 0), scriptPubKey)); // a time cannot satisfy a height
    }

    [Test]
    public void RelativeTimelock()
    {
        const uint blocks = 144;
        var scriptPubKey = ScriptTemplates.RelativeTimelock(blocks, KeyHash);
        Transaction SignedWithSequence(uint sequence, int version) =>
            SignedWith(Unsigned(sequence, version), tx => TransactionSigner.SignP2PKH(tx, 0, scriptPubKey, PrivateKeys[0]));

        AssertPasses(Verify(SignedWithSequence(blocks, 2), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedWithSequence(blocks - 1, 2), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedWithSequence(blocks, 1), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedWithSequence(blocks | LockTime.SequenceDisableFlag, 2), scriptPubKey));
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(SignedWithSequence(blocks | LockTime.SequenceTypeFlag, 2), scriptPubKey));
    }

    [Test]
    public void NullDataCannotBeSpent()
    {
        var scriptPubKey = ScriptTemplates.NullData("memo"u8);
        AssertFails(ScriptError.OP_RETURN, Verify(Spend(ScriptAsm.Parse("1")), scriptPubKey));
    }

    [Test]
    public void AnyoneCanPayLetsOthersAddInputs()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        byte Acp(byte type) => (byte)(type | SigHashType.AnyoneCanPay);
        var withAcp = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[0], Acp(SigHashType.All)));
        AssertPasses(ScriptVerifier.VerifyInput(WithExtraInput(withAcp), 0, new TxOut(5000, scriptPubKey)));
        var withoutAcp = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[0]));
        AssertFails(ScriptError.NULLFAIL, ScriptVerifier.VerifyInput(WithExtraInput(withoutAcp), 0, new TxOut(5000, scriptPubKey)));
    }

    [Test]
    public void NoneLetsOthersChangeOutputs()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var signed = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[0], SigHashType.None));
        AssertPasses(Verify(WithOutput(signed, 0, new TxOut(1, [])), scriptPubKey));
    }

    [Test]
    public void SingleCommitsToItsOwnOutputOnly()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var signed = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[0], SigHashType.Single));
        AssertPasses(Verify(WithOutput(signed, 1, new TxOut(1, [])), scriptPubKey));
        AssertFails(ScriptError.NULLFAIL, Verify(WithOutput(signed, 0, new TxOut(1, [])), scriptPubKey));
    }

    [Test]
    public void SignaturesCommitToTheScriptAfterTheLastCodeSeparator()
    {
        var scriptPubKey = new ScriptBuilder().Push(PublicKeys[0]).Op(Opcode.OP_CODESEPARATOR).Op(Opcode.OP_CHECKSIG).ToArray();
        byte[] afterSeparator = [(byte)Opcode.OP_CHECKSIG];
        var signed = SignedWith(Unsigned(), tx => new ScriptBuilder().Push(TransactionSigner.CreateSignature(tx, 0, afterSeparator, PrivateKeys[0])).ToArray());
        AssertPasses(Verify(signed, scriptPubKey));
        var wholeScript = SignedWith(Unsigned(), tx => TransactionSigner.SignP2PK(tx, 0, scriptPubKey, PrivateKeys[0]));
        AssertFails(ScriptError.NULLFAIL, Verify(wholeScript, scriptPubKey));
    }

    [Test]
    public void TemplatesRejectMalformedArguments()
    {
        Assert.Throws<ArgumentException>(() => ScriptTemplates.PayToPubKeyHash(new byte[19]));
        Assert.Throws<ArgumentException>(() => ScriptTemplates.PayToPubKey(new byte[65]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptTemplates.Multisig(4, PublicKeys));
        Assert.Throws<ArgumentException>(() => ScriptTemplates.Multisig(1, Enumerable.Repeat(PublicKeys[0], 21).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptTemplates.AbsoluteTimelock(-1, KeyHash));
    }
}
