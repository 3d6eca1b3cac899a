using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Script;

/// <summary>Transactions and keys for script tests: one spent output, one spending input, fixed test keys.</summary>
internal static class ScriptTestKit
{
    public static readonly byte[][] PrivateKeys = Enumerable.Range(1, 3)
        .Select(i => Convert.FromHexString($"{i:x2}" + "5a17c0de" + new string('3', 54))).ToArray();
    public static readonly byte[][] PublicKeys = PrivateKeys.Select(k => TensorCash.Chain.Crypto.Secp256k1Keys.GetPublicKey(k)).ToArray();

    public static readonly OutPoint SpentOutPoint = new(Hashes.Sha256d("spent"u8), 1);

    /// <summary>A transaction spending <see cref="SpentOutPoint"/> with <paramref name="scriptSig"/> into one or more outputs.</summary>
    public static Transaction Spend(byte[] scriptSig, uint sequence = TxIn.SequenceFinal, int version = 1, uint lockTime = 0, int outputs = 1) =>
        new(version, [new TxIn(SpentOutPoint, scriptSig, sequence)],
            Enumerable.Range(0, outputs).Select(i => new TxOut(1000 + i, [(byte)Opcode.OP_1])).ToArray(), lockTime);

    public static RuleViolation? Verify(Transaction tx, byte[] scriptPubKey) => ScriptVerifier.VerifyInput(tx, 0, new TxOut(5000, scriptPubKey));

    public static RuleViolation? Verify(string scriptSig, string scriptPubKey) =>
        Verify(Spend(ScriptAsm.Parse(scriptSig)), ScriptAsm.Parse(scriptPubKey));

    public static void AssertPasses(RuleViolation? violation) => Assert.That(violation, Is.Null, violation?.ToString());

    public static void AssertFails(ScriptError expected, RuleViolation? violation)
    {
        Assert.That(violation, Is.Not.Null, $"expected {expected}, but the scripts passed");
        Assert.That(violation!.Reason, Is.EqualTo($"mandatory-script-verify-flag-failed ({expected})"), violation.Message);
    }

    /// <summary>Signs input 0 of <paramref name="unsigned"/> for <paramref name="scriptPubKey"/> and installs the scriptSig.</summary>
    public static Transaction SignedWith(Transaction unsigned, Func<Transaction, byte[]> sign) =>
        TransactionSigner.WithScriptSig(unsigned, 0, sign(unsigned));
}
