using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>An unspent output with what the rules need to spend it: the height it was created at and whether it is a coinbase output (maturity).</summary>
public sealed record Coin(TxOut Output, int Height, bool IsCoinbase)
{
    /// <summary>The smallest encoding: value, an empty script's length byte, height, flag.</summary>
    public const int MinEncodedBytes = 8 + 1 + 4 + 1;
    /// <summary>Same cap as transaction decoding: no output script can be longer.</summary>
    public const int MaxScriptBytes = 10_000;

    /// <summary>
    /// Encoding (undo data, and available to storage): i64 value || CompactSize(script length) || script ||
    /// u32 height || u8 coinbase flag (0 or 1).
    /// </summary>
    public void WriteTo(ChainWriter writer) =>
        writer.I64(Output.Value).VarBytes(Output.ScriptPubKey).U32((uint)Height).U8(IsCoinbase ? (byte)1 : (byte)0);

    /// <summary>Reads <see cref="WriteTo"/>'s encoding, rejecting values no UTXO can hold (negative amounts and heights, flags other than 0/1).</summary>
    public static Coin ReadFrom(ref ChainReader reader)
    {
        long value = reader.I64("coin value");
        if (value < 0) throw new ChainFormatException($"coin value {value} is negative");
        var script = reader.VarBytes("coin script", MaxScriptBytes);
        uint height = reader.U32("coin height");
        if (height > int.MaxValue) throw new ChainFormatException($"coin height {height} exceeds {int.MaxValue}");
        byte flag = reader.U8("coin coinbase flag");
        if (flag > 1) throw new ChainFormatException($"coin coinbase flag is {flag}; only 0 and 1 are canonical");
        return new Coin(new TxOut(value, script), (int)height, flag == 1);
    }

    // TxOut holds its script as a byte[], which a record compares by reference; two coins are the same coin when
    // their bytes are, which is what undo round trips and UTXO set comparisons need.
    public bool Equals(Coin? other) =>
        other is not null && Height == other.Height && IsCoinbase == other.IsCoinbase &&
        Output.Value == other.Output.Value && Output.ScriptPubKey.AsSpan().SequenceEqual(other.Output.ScriptPubKey);

    public override int GetHashCode() => HashCode.Combine(Output.Value, Output.ScriptPubKey.Length, Height, IsCoinbase);
}
