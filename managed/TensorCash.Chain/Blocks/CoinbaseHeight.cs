namespace TensorCash.Chain.Blocks;

/// <summary>
/// BIP34: the coinbase scriptSig starts with the block height, pushed the way Bitcoin's script builder pushes a number
/// (CScript() &lt;&lt; height). Putting the height in the coinbase makes every coinbase, and so every txid, unique.
/// </summary>
public static class CoinbaseHeight
{
    private const byte OpZero = 0x00;
    private const byte OpOne = 0x51;

    /// <summary>
    /// The required scriptSig prefix: OP_0 for 0, OP_1..OP_16 for 1..16, otherwise a direct push of the minimal
    /// little-endian CScriptNum (a 0x00 byte is appended when the top byte's sign bit is set, since the number is positive).
    /// </summary>
    public static byte[] Prefix(int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (height == 0) return [OpZero];
        if (height <= 16) return [(byte)(OpOne + height - 1)];
        var number = new List<byte>(5);
        for (uint rest = (uint)height; rest != 0; rest >>= 8) number.Add((byte)rest);
        if ((number[^1] & 0x80) != 0) number.Add(0x00);
        return [(byte)number.Count, .. number];
    }

    /// <summary>Whether <paramref name="scriptSig"/> begins with <see cref="Prefix"/> of <paramref name="height"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> scriptSig, int height) => scriptSig.StartsWith(Prefix(height));
}
