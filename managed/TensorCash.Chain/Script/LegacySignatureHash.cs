using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// Bitcoin's original (pre-segwit) signature hash: SHA-256d of a modified copy of the transaction followed by
/// the hash type as a 4-byte little-endian integer. The copy keeps the signed input's scriptSig replaced by the
/// scriptCode (OP_CODESEPARATORs removed) and every other scriptSig empty; NONE drops all outputs and zeroes the
/// other inputs' sequences; SINGLE keeps outputs up to the input's index (earlier ones blanked to value -1 and an
/// empty script) and zeroes the other sequences; ANYONECANPAY keeps only the signed input.
/// One deliberate difference from Bitcoin: SINGLE with no output at the input's index has no hash (Bitcoin signs
/// the constant 1 there, which lets anyone reuse such a signature); the interpreter rejects it.
/// </summary>
public static class LegacySignatureHash
{
    /// <summary>The hash to sign, or null for SINGLE without a matching output.</summary>
    public static Hash256? Compute(Transaction tx, int inputIndex, ReadOnlySpan<byte> scriptCode, int hashType)
    {
        if ((uint)inputIndex >= (uint)tx.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(inputIndex), $"input {inputIndex} of a transaction with {tx.Inputs.Count} inputs");
        int baseType = hashType & SigHashType.BaseTypeMask;
        bool anyoneCanPay = (hashType & SigHashType.AnyoneCanPay) != 0;
        bool single = baseType == SigHashType.Single;
        bool none = baseType == SigHashType.None;
        if (single && inputIndex >= tx.Outputs.Count) return null;

        var writer = new ChainWriter(128 + 48 * tx.Inputs.Count + 40 * tx.Outputs.Count + scriptCode.Length);
        writer.I32(tx.Version);

        writer.CompactSize(anyoneCanPay ? 1UL : (ulong)tx.Inputs.Count);
        for (int i = anyoneCanPay ? inputIndex : 0; i < tx.Inputs.Count; i++)
        {
            var input = tx.Inputs[i];
            writer.Hash(input.Prevout.Txid).U32(input.Prevout.Index);
            if (i == inputIndex) WriteScriptCode(writer, scriptCode);
            else writer.CompactSize(0);
            writer.U32(i != inputIndex && (single || none) ? 0 : input.Sequence);
            if (anyoneCanPay) break;
        }

        int outputCount = none ? 0 : single ? inputIndex + 1 : tx.Outputs.Count;
        writer.CompactSize((ulong)outputCount);
        for (int i = 0; i < outputCount; i++)
        {
            if (single && i != inputIndex) writer.I64(-1).CompactSize(0);
            else writer.I64(tx.Outputs[i].Value).VarBytes(tx.Outputs[i].ScriptPubKey);
        }

        writer.U32(tx.LockTime);
        writer.I32(hashType);
        return Hashes.Sha256d(writer.Written);
    }

    // The script with every OP_CODESEPARATOR instruction removed (bytes inside pushes are data and stay). A
    // truncated push at the end is copied as it is; such a script fails when executed anyway.
    private static void WriteScriptCode(ChainWriter writer, ReadOnlySpan<byte> scriptCode)
    {
        var kept = new List<Range>();
        int start = 0;
        var reader = new ScriptReader(scriptCode);
        while (!reader.AtEnd)
        {
            int instructionStart = reader.Position;
            if (!reader.TryRead(out var opcode, out _)) break;
            if (opcode == Opcode.OP_CODESEPARATOR)
            {
                kept.Add(start..instructionStart);
                start = reader.Position;
            }
        }
        kept.Add(start..scriptCode.Length);
        int length = 0;
        foreach (var range in kept) length += range.GetOffsetAndLength(scriptCode.Length).Length;
        writer.CompactSize((ulong)length);
        foreach (var range in kept) writer.Raw(scriptCode[range]);
    }
}
