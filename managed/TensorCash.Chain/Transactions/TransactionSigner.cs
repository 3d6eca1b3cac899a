using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;

namespace TensorCash.Chain.Transactions;

/// <summary>
/// Produces scriptSigs for the standard templates (wallets, tests). The legacy signature hash blanks every other
/// input's scriptSig, so inputs can be signed in any order on the unsigned transaction and the scriptSigs put in
/// afterwards with <see cref="WithScriptSig"/>.
/// </summary>
public static class TransactionSigner
{
    /// <summary>
    /// A script signature: strict low-S DER over the legacy signature hash of <paramref name="inputIndex"/> with
    /// <paramref name="scriptCode"/> (the spent script), followed by the hash-type byte.
    /// </summary>
    public static byte[] CreateSignature(Transaction tx, int inputIndex, byte[] scriptCode, byte[] privateKey, byte hashType = SigHashType.All)
    {
        if (!SigHashType.IsDefined(hashType)) throw new ArgumentException($"hash type 0x{hashType:x2} is not defined", nameof(hashType));
        var hash = LegacySignatureHash.Compute(tx, inputIndex, scriptCode, hashType)
            ?? throw new ArgumentException($"SIGHASH_SINGLE on input {inputIndex} needs an output at that index; the transaction has {tx.Outputs.Count}", nameof(hashType));
        return [.. Secp256k1Keys.Sign(privateKey, hash.ToArray()), hashType];
    }

    /// <summary>&lt;sig&gt; &lt;pubkey&gt; for a P2PKH output, or any script ending in a P2PKH check (the timelock templates).</summary>
    public static byte[] SignP2PKH(Transaction tx, int inputIndex, byte[] spentScriptPubKey, byte[] privateKey, byte hashType = SigHashType.All)
    {
        var signature = CreateSignature(tx, inputIndex, spentScriptPubKey, privateKey, hashType);
        return new ScriptBuilder().Push(signature).Push(Secp256k1Keys.GetPublicKey(privateKey)).ToArray();
    }

    /// <summary>&lt;sig&gt; for a P2PK output.</summary>
    public static byte[] SignP2PK(Transaction tx, int inputIndex, byte[] spentScriptPubKey, byte[] privateKey, byte hashType = SigHashType.All) =>
        new ScriptBuilder().Push(CreateSignature(tx, inputIndex, spentScriptPubKey, privateKey, hashType)).ToArray();

    /// <summary>
    /// OP_0 &lt;sig_1&gt; .. &lt;sig_m&gt; for a bare multisig output. <paramref name="privateKeys"/> must be m keys
    /// given in the order their public keys appear in the script (CHECKMULTISIG matches in order).
    /// </summary>
    public static byte[] SignMultisig(Transaction tx, int inputIndex, byte[] spentScriptPubKey, IReadOnlyList<byte[]> privateKeys, byte hashType = SigHashType.All)
    {
        var builder = new ScriptBuilder().Op(Opcode.OP_0);
        foreach (var key in privateKeys)
            builder.Push(CreateSignature(tx, inputIndex, spentScriptPubKey, key, hashType));
        return builder.ToArray();
    }

    /// <summary>A copy of <paramref name="tx"/> with input <paramref name="inputIndex"/>'s scriptSig replaced.</summary>
    public static Transaction WithScriptSig(Transaction tx, int inputIndex, byte[] scriptSig)
    {
        if ((uint)inputIndex >= (uint)tx.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(inputIndex), $"input {inputIndex} of a transaction with {tx.Inputs.Count} inputs");
        var inputs = tx.Inputs.ToArray();
        inputs[inputIndex] = inputs[inputIndex] with { ScriptSig = scriptSig };
        return new Transaction(tx.Version, inputs, tx.Outputs, tx.LockTime);
    }
}
