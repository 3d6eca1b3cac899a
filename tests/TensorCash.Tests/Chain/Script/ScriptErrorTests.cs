using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Script.ScriptTestKit;

namespace TensorCash.Tests.Chain.Script;

/// <summary>Every script error, triggered through ScriptVerifier so the rule-violation reason string is checked too.</summary>
public class ScriptErrorTests
{
    private static readonly byte[] Key = PrivateKeys[0];
    private static readonly string PubKeyHex = "0x21 0x" + Convert.ToHexString(PublicKeys[0]);

    /// <summary>A valid P2PK signature for <see cref="Key"/> over a spend of <paramref name="scriptPubKey"/> by <paramref name="tx"/>.</summary>
    private static byte[] Signature(Transaction tx, byte[] scriptPubKey, byte hashType = SigHashType.All) =>
        TransactionSigner.CreateSignature(tx, 0, scriptPubKey, Key, hashType);

    private static string Push(byte[] data) => "0x" + Convert.ToHexString(new ScriptBuilder().Push(data).ToArray());

    [Test]
    public void ReasonAndMessageNameTheInputAndTheError()
    {
        var tx = Spend(ScriptAsm.Parse("0"));
        var violation = Verify(tx, []);
        Assert.That(violation!.Reason, Is.EqualTo("mandatory-script-verify-flag-failed (EVAL_FALSE)"));
        Assert.That(violation.Message, Does.Contain("input 0").And.Contain(tx.Txid.ToString()).And.Contain(SpentOutPoint.ToString()).And.Contain("false"));
    }

    [Test] public void EvalFalseOnFalseTop() => AssertFails(ScriptError.EVAL_FALSE, Verify("0", ""));
    [Test] public void EvalFalseOnEmptyStack() => AssertFails(ScriptError.EVAL_FALSE, Verify("", ""));
    [Test] public void EvalFalseOnNegativeZero() => AssertFails(ScriptError.EVAL_FALSE, Verify("0x01 0x80", ""));
    [Test] public void OpReturn() => AssertFails(ScriptError.OP_RETURN, Verify("1", "RETURN"));

    [Test]
    public void ScriptSize()
    {
        var script = Enumerable.Repeat((byte)Opcode.OP_NOP, ScriptLimits.MaxScriptSize).Prepend((byte)Opcode.OP_1).ToArray();
        AssertFails(ScriptError.SCRIPT_SIZE, Verify(Spend([]), script));
        AssertFails(ScriptError.OP_COUNT, Verify(Spend([]), script[..^1])); // 10,000 bytes is within the size limit
    }

    [Test]
    public void PushSize()
    {
        var atLimit = new ScriptBuilder().Push(new byte[ScriptLimits.MaxElementSize]).ToArray();
        var overLimit = new ScriptBuilder().Push(new byte[ScriptLimits.MaxElementSize + 1]).ToArray();
        AssertPasses(Verify(Spend(atLimit), ScriptAsm.Parse("SIZE 520 EQUALVERIFY DROP 1")));
        AssertFails(ScriptError.PUSH_SIZE, Verify(Spend(overLimit), ScriptAsm.Parse("DROP 1")));
    }

    [Test]
    public void OpCount()
    {
        AssertPasses(Verify("1", string.Join(' ', Enumerable.Repeat("NOP", ScriptLimits.MaxOpsPerScript))));
        AssertFails(ScriptError.OP_COUNT, Verify("1", string.Join(' ', Enumerable.Repeat("NOP", ScriptLimits.MaxOpsPerScript + 1))));
        // CHECKMULTISIG counts its keys: 1 + 200 NOPs + 20 keys is over.
        AssertFails(ScriptError.OP_COUNT, Verify("0 0", string.Join(' ', Enumerable.Repeat("NOP", 200)) + " 0 " + string.Join(' ', Enumerable.Repeat(PubKeyHex, 20)) + " 20 CHECKMULTISIG"));
    }

    [Test]
    public void StackSize()
    {
        var full = Enumerable.Repeat((byte)Opcode.OP_1, ScriptLimits.MaxStackSize).ToArray();
        AssertFails(ScriptError.CLEANSTACK, Verify(Spend(full), []));
        AssertFails(ScriptError.STACK_SIZE, Verify(Spend([.. full, (byte)Opcode.OP_1]), []));
        AssertFails(ScriptError.STACK_SIZE, Verify(Spend(full[..^1]), ScriptAsm.Parse("TOALTSTACK 1 1"))); // the alt stack counts
    }

    [Test] public void SigCount() => AssertFails(ScriptError.SIG_COUNT, Verify("0", $"2 {PubKeyHex} 1 CHECKMULTISIG"));
    [Test] public void NegativeSigCount() => AssertFails(ScriptError.SIG_COUNT, Verify("0", $"-1 {PubKeyHex} 1 CHECKMULTISIG"));
    [Test] public void PubKeyCountAboveTwenty() => AssertFails(ScriptError.PUBKEY_COUNT, Verify("0 0", "21 CHECKMULTISIG"));
    [Test] public void NegativePubKeyCount() => AssertFails(ScriptError.PUBKEY_COUNT, Verify("0 0", "-1 CHECKMULTISIG"));
    [Test] public void VerifyFails() => AssertFails(ScriptError.VERIFY, Verify("0", "VERIFY 1"));
    [Test] public void EqualVerify() => AssertFails(ScriptError.EQUALVERIFY, Verify("1", "2 EQUALVERIFY 1"));
    [Test] public void CheckMultisigVerify() => AssertFails(ScriptError.CHECKMULTISIGVERIFY, Verify("0 0", $"1 {PubKeyHex} 1 CHECKMULTISIGVERIFY 1"));
    [Test] public void CheckSigVerify() => AssertFails(ScriptError.CHECKSIGVERIFY, Verify("0", $"{PubKeyHex} CHECKSIGVERIFY 1"));
    [Test] public void NumEqualVerify() => AssertFails(ScriptError.NUMEQUALVERIFY, Verify("1", "2 NUMEQUALVERIFY 1"));

    [TestCase("1", "RESERVED", TestName = "BadOpcode OP_RESERVED executed")]
    [TestCase("1", "VER", TestName = "BadOpcode OP_VER executed")]
    [TestCase("1", "0xba", TestName = "BadOpcode unassigned 0xba")]
    [TestCase("1", "0 IF VERIF ENDIF", TestName = "BadOpcode OP_VERIF even unexecuted")]
    [TestCase("1", "1 0x4c", TestName = "BadOpcode truncated PUSHDATA1 length")]
    [TestCase("1", "1 0x05 0x0102", TestName = "BadOpcode truncated push data")]
    public void BadOpcode(string scriptSig, string scriptPubKey) => AssertFails(ScriptError.BAD_OPCODE, Verify(scriptSig, scriptPubKey));

    [TestCase("CAT")]
    [TestCase("SUBSTR")]
    [TestCase("LEFT")]
    [TestCase("RIGHT")]
    [TestCase("INVERT")]
    [TestCase("AND")]
    [TestCase("OR")]
    [TestCase("XOR")]
    [TestCase("2MUL")]
    [TestCase("2DIV")]
    [TestCase("MUL")]
    [TestCase("DIV")]
    [TestCase("MOD")]
    [TestCase("LSHIFT")]
    [TestCase("RSHIFT")]
    public void DisabledOpcodeFailsEvenInAnUnexecutedBranch(string opcode) =>
        AssertFails(ScriptError.DISABLED_OPCODE, Verify("1", $"0 IF {opcode} ENDIF"));

    [TestCase("DROP 1")]
    [TestCase("1 2DUP")]
    [TestCase("1 0 PICK DROP 1 PICK")]
    [TestCase("1 1 ROLL")]
    [TestCase("1 CHECKSIG")]
    public void InvalidStackOperation(string scriptPubKey) => AssertFails(ScriptError.INVALID_STACK_OPERATION, Verify("", scriptPubKey));

    [Test] public void InvalidAltStackOperation() => AssertFails(ScriptError.INVALID_ALTSTACK_OPERATION, Verify("1", "FROMALTSTACK"));

    [TestCase("1", "IF 1", TestName = "Unbalanced IF without ENDIF")]
    [TestCase("1", "ENDIF", TestName = "Unbalanced ENDIF without IF")]
    [TestCase("1", "ELSE 1 ENDIF", TestName = "Unbalanced ELSE without IF")]
    [TestCase("", "IF 1 ENDIF", TestName = "Unbalanced IF with an empty stack")]
    public void UnbalancedConditional(string scriptSig, string scriptPubKey) =>
        AssertFails(ScriptError.UNBALANCED_CONDITIONAL, Verify(scriptSig, scriptPubKey));

    [Test] public void NegativeLockTimeCltv() => AssertFails(ScriptError.NEGATIVE_LOCKTIME, Verify("1", "-1 CHECKLOCKTIMEVERIFY"));
    [Test] public void NegativeLockTimeCsv() => AssertFails(ScriptError.NEGATIVE_LOCKTIME, Verify("1", "-1 CHECKSEQUENCEVERIFY"));

    // CHECKLOCKTIMEVERIFY (BIP65): the operand against the transaction's nLockTime.
    [TestCase(100L, 99u, 0u, TestName = "Cltv height not reached")]
    [TestCase(500_000_100L, 500_000_099u, 0u, TestName = "Cltv time not reached")]
    [TestCase(100L, 500_000_000u, 0u, TestName = "Cltv height operand against a time lock")]
    [TestCase(500_000_000L, 100u, 0u, TestName = "Cltv time operand against a height lock")]
    [TestCase(100L, 100u, TxIn.SequenceFinal, TestName = "Cltv final input disables nLockTime")]
    public void UnsatisfiedLockTimeCltv(long operand, uint lockTime, uint sequence)
    {
        var tx = Spend(ScriptAsm.Parse("1"), sequence, lockTime: lockTime);
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(tx, new ScriptBuilder().Number(operand).Op(Opcode.OP_CHECKLOCKTIMEVERIFY).ToArray()));
    }

    [TestCase(100L, 100u, 0u)]
    [TestCase(100L, 101u, 0xFFFF_FFFEu)]
    [TestCase(500_000_000L, 600_000_000u, 0u)]
    [TestCase(0L, 0u, 0u)]
    public void SatisfiedLockTimeCltv(long operand, uint lockTime, uint sequence)
    {
        var tx = Spend(ScriptAsm.Parse("1"), sequence, lockTime: lockTime);
        AssertPasses(Verify(tx, new ScriptBuilder().Number(operand).Op(Opcode.OP_CHECKLOCKTIMEVERIFY).Op(Opcode.OP_DROP).ToArray()));
    }

    // CHECKSEQUENCEVERIFY (BIP112) with BIP68 encodings: bit 22 = 512-second units, bit 31 = disabled.
    [TestCase(10L, 9u, 2, TestName = "Csv blocks not reached")]
    [TestCase(10L, 10u, 1, TestName = "Csv transaction version 1")]
    [TestCase(10L, 0x8000_000Au, 2, TestName = "Csv input sequence disabled")]
    [TestCase(10L, 0x0040_000Au, 2, TestName = "Csv block operand against a time sequence")]
    [TestCase(0x0040_000AL, 10u, 2, TestName = "Csv time operand against a block sequence")]
    [TestCase(0x0040_000AL, 0x0040_0009u, 2, TestName = "Csv time not reached")]
    public void UnsatisfiedLockTimeCsv(long operand, uint sequence, int version)
    {
        var tx = Spend(ScriptAsm.Parse("1"), sequence, version);
        AssertFails(ScriptError.UNSATISFIED_LOCKTIME, Verify(tx, new ScriptBuilder().Number(operand).Op(Opcode.OP_CHECKSEQUENCEVERIFY).ToArray()));
    }

    [TestCase(10L, 10u, 2, TestName = "Csv blocks reached")]
    [TestCase(10L, 0x00AB_000Au, 2, TestName = "Csv bits outside the type flag and value mask are ignored")]
    [TestCase(0x0040_000AL, 0x0040_0010u, 2, TestName = "Csv time reached")]
    [TestCase(0x8000_0000L, 0u, 1, TestName = "Csv disabled operand is a no-op even in version 1")]
    [TestCase(10L, 10u, -1, TestName = "Csv negative version counts as a large unsigned version")]
    public void SatisfiedLockTimeCsv(long operand, uint sequence, int version)
    {
        var tx = Spend(ScriptAsm.Parse("1"), sequence, version);
        AssertPasses(Verify(tx, new ScriptBuilder().Number(operand).Op(Opcode.OP_CHECKSEQUENCEVERIFY).Op(Opcode.OP_DROP).ToArray()));
    }

    [Test]
    public void ScriptNumOperandsMustBeShortAndMinimal()
    {
        AssertFails(ScriptError.SCRIPTNUM, Verify("0x05 0x0000000001", "1ADD DROP 1"));           // 5-byte arithmetic operand
        AssertFails(ScriptError.SCRIPTNUM, Verify("0x02 0x0100", "1ADD DROP 1"));                 // 1 with a redundant zero byte
        AssertFails(ScriptError.SCRIPTNUM, Verify("1", "0x06 0x000000000001 CHECKLOCKTIMEVERIFY")); // lock times allow 5 bytes, not 6
        AssertPasses(Verify("0x02 0x8000", "1ADD 129 NUMEQUAL"));                                  // 0x0080 = 128 needs both bytes
    }

    [Test]
    public void SigHashTypeUndefined()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var tx = Spend([]);
        var signature = Signature(tx, scriptPubKey);
        signature[^1] = 0x04;
        AssertFails(ScriptError.SIG_HASHTYPE, Verify(TransactionSigner.WithScriptSig(tx, 0, new ScriptBuilder().Push(signature).ToArray()), scriptPubKey));
    }

    [Test]
    public void SigHashSingleWithoutMatchingOutputIsRejected()
    {
        // A Bitcoin-valid construction (it would sign the constant 1); TensorCash rejects it outright.
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var tx = new Transaction(1, [new TxIn(SpentOutPoint, []), new TxIn(new(SpentOutPoint.Txid, 9), [])], [new TxOut(1, [])], 0);
        var hashOfOne = new byte[32];
        hashOfOne[0] = 1; // Bitcoin's uint256 1 in its serialized byte order
        byte[] signature = [.. Secp256k1Keys.Sign(Key, hashOfOne), SigHashType.Single];
        var signed = TransactionSigner.WithScriptSig(tx, 1, new ScriptBuilder().Push(signature).ToArray());
        var violation = ScriptVerifier.VerifyInput(signed, 1, new TxOut(5000, scriptPubKey));
        AssertFails(ScriptError.SIG_HASHTYPE, violation);
        Assert.That(violation!.Message, Does.Contain("SIGHASH_SINGLE"));
        Assert.Throws<ArgumentException>(() => TransactionSigner.CreateSignature(tx, 1, scriptPubKey, Key, SigHashType.Single));
    }

    [Test]
    public void SigDerWithCoresInvalidEncodings()
    {
        // Bitcoin Core script_tests.json "Increase DERSIG test coverage": "<sig> 0 CHECKSIG NOT" must fail SIG_DER.
        foreach (var signature in new[]
                 {
                     "0x4a 0x0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                     "0x25 0x30220220000000000000000000000000000000000000000000000000000000000000000000",
                     "0x27 0x3024021077777777777777777777777777777777020a7777777777777777777777777777777701",
                     "0x17 0x3014020002107777777777777777777777777777777701",
                 })
            AssertFails(ScriptError.SIG_DER, Verify(signature, "0 CHECKSIG NOT"));
    }

    [Test]
    public void SigDerOnAValidSignatureWithPaddedR()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var tx = Spend([]);
        var signature = Signature(tx, scriptPubKey);
        DerSignature.TryParse(signature.AsSpan(0, signature.Length - 1), out var r, out var s);
        var rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
        var sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
        byte[] padded = [0x30, (byte)(5 + rBytes.Length + sBytes.Length), 0x02, (byte)(rBytes.Length + 1), 0x00, .. rBytes, 0x02, (byte)sBytes.Length, .. sBytes, SigHashType.All];
        AssertFails(ScriptError.SIG_DER, Verify(TransactionSigner.WithScriptSig(tx, 0, new ScriptBuilder().Push(padded).ToArray()), scriptPubKey));
    }

    [TestCase("0x01 0x05", TestName = "Minimaldata 5 pushed directly instead of OP_5")]
    [TestCase("0x01 0x81", TestName = "Minimaldata -1 pushed directly instead of OP_1NEGATE")]
    [TestCase("0x4c 0x00", TestName = "Minimaldata empty PUSHDATA1 instead of OP_0")]
    [TestCase("0x4c 0x02 0x0102", TestName = "Minimaldata PUSHDATA1 for 2 bytes")]
    [TestCase("0x4d 0x0200 0x0102", TestName = "Minimaldata PUSHDATA2 for 2 bytes")]
    [TestCase("0x4e 0x02000000 0x0102", TestName = "Minimaldata PUSHDATA4 for 2 bytes")]
    public void MinimalData(string scriptSig) => AssertFails(ScriptError.MINIMALDATA, Verify(scriptSig, "DROP 1"));

    [Test]
    public void NonMinimalPushInAnUnexecutedBranchIsIgnored() => AssertPasses(Verify("1", "0 IF 0x01 0x05 ENDIF"));

    [TestCase("1 DUP", TestName = "Pushonly DUP in scriptSig")]
    [TestCase("1 NOP", TestName = "Pushonly NOP in scriptSig")]
    [TestCase("1 0x4c", TestName = "Pushonly truncated push in scriptSig")]
    public void SigPushOnly(string scriptSig) => AssertFails(ScriptError.SIG_PUSHONLY, Verify(scriptSig, "DROP 1"));

    [Test]
    public void SigHighS()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKey(PublicKeys[0]);
        var tx = Spend([]);
        var signature = Signature(tx, scriptPubKey);
        DerSignature.TryParse(signature.AsSpan(0, signature.Length - 1), out var r, out var s);
        byte[] highS = [.. DerSignature.Encode(r, Secp256k1Curve.N - s), SigHashType.All];
        AssertFails(ScriptError.SIG_HIGH_S, Verify(TransactionSigner.WithScriptSig(tx, 0, new ScriptBuilder().Push(highS).ToArray()), scriptPubKey));
    }

    [Test]
    public void SigNullDummy()
    {
        var scriptPubKey = ScriptTemplates.Multisig(1, [PublicKeys[0]]);
        var tx = Spend([]);
        var scriptSig = new ScriptBuilder().Number(1).Push(Signature(tx, scriptPubKey)).ToArray();
        AssertFails(ScriptError.SIG_NULLDUMMY, Verify(TransactionSigner.WithScriptSig(tx, 0, scriptSig), scriptPubKey));
    }

    [Test]
    public void PubKeyTypeRejectsUncompressedAndMalformedKeys()
    {
        // G uncompressed (04 || x || y): a valid point, but only the compressed encoding is allowed.
        const string uncompressedG = "0x41 0x0479BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8";
        AssertFails(ScriptError.PUBKEYTYPE, Verify("0", $"{uncompressedG} CHECKSIG NOT"));
        AssertFails(ScriptError.PUBKEYTYPE, Verify("0", "0x21 0x04" + new string('1', 64) + " CHECKSIG NOT"));
        AssertFails(ScriptError.PUBKEYTYPE, Verify("0", "0 CHECKSIG NOT"));
    }

    [Test]
    public void CompressedKeyEncodingOffTheCurveIsAFailedCheckNotAnError()
    {
        // 0x02 || 5: no point has x = 5 (132 is a quadratic non-residue mod p). The encoding rule holds, so this is
        // only a failed signature check.
        AssertPasses(Verify("0", "0x21 0x02" + new string('0', 63) + "5 CHECKSIG NOT"));
    }

    [Test] public void CleanStack() => AssertFails(ScriptError.CLEANSTACK, Verify("1 1", ""));

    [TestCase("2", TestName = "Minimalif 2 as condition")]
    [TestCase("0x01 0x00", TestName = "Minimalif 0x00 as condition")]
    [TestCase("0x02 0x0100", TestName = "Minimalif 0x0100 as condition")]
    public void MinimalIf(string condition) => AssertFails(ScriptError.MINIMALIF, Verify(condition, "IF 1 ELSE 1 ENDIF"));

    [Test]
    public void NullFailOnCheckSig()
    {
        var scriptPubKey = ScriptAsm.Parse($"{PubKeyHex} CHECKSIG NOT");
        var other = Spend([], sequence: 7);
        var wrongTx = Signature(other, scriptPubKey); // valid encoding, signs a different transaction
        AssertFails(ScriptError.NULLFAIL, Verify(Spend(new ScriptBuilder().Push(wrongTx).ToArray()), scriptPubKey));
        AssertPasses(Verify(Spend(ScriptAsm.Parse("0")), scriptPubKey)); // the empty signature is the only allowed failure
    }

    [Test]
    public void NullFailOnCheckMultisig()
    {
        var scriptPubKey = ScriptAsm.Parse($"1 {PubKeyHex} 1 CHECKMULTISIG NOT");
        var wrongTx = Signature(Spend([], sequence: 7), scriptPubKey);
        AssertFails(ScriptError.NULLFAIL, Verify(Spend(new ScriptBuilder().Op(Opcode.OP_0).Push(wrongTx).ToArray()), scriptPubKey));
        AssertPasses(Verify(Spend(ScriptAsm.Parse("0 0")), scriptPubKey));
    }

    [Test]
    public void EveryScriptErrorHasADescription()
    {
        foreach (var error in Enum.GetValues<ScriptError>())
            Assert.That(error.Describe(), Is.Not.EqualTo(error.ToString()), $"{error} falls through to its name");
    }
}
