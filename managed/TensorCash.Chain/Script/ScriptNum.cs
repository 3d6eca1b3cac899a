namespace TensorCash.Chain.Script;

/// <summary>
/// Script numbers: little-endian magnitude with the sign in the top bit of the last byte; zero is the empty
/// array. Operands must be minimally encoded (no redundant trailing 0x00/0x80) and at most a given length.
/// </summary>
public static class ScriptNum
{
    public static byte[] Encode(long value)
    {
        if (value == 0) return [];
        bool negative = value < 0;
        ulong magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        var bytes = new List<byte>(9);
        while (magnitude > 0)
        {
            bytes.Add((byte)(magnitude & 0xFF));
            magnitude >>= 8;
        }
        // The sign needs the top bit of the last byte; if the magnitude already uses it, add a byte for the sign.
        if ((bytes[^1] & 0x80) != 0) bytes.Add(negative ? (byte)0x80 : (byte)0x00);
        else if (negative) bytes[^1] |= 0x80;
        return bytes.ToArray();
    }

    /// <summary>Decodes an operand of at most <paramref name="maxSize"/> bytes; false with a reason if too long or not minimal.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int maxSize, out long value, out string problem)
    {
        value = 0;
        if (bytes.Length > maxSize)
        {
            problem = $"number is {bytes.Length} bytes, operands are at most {maxSize}";
            return false;
        }
        // The last byte may only be 0x00 or 0x80 if the byte before needs its top bit for magnitude.
        if (bytes.Length > 0 && (bytes[^1] & 0x7F) == 0 && (bytes.Length == 1 || (bytes[^2] & 0x80) == 0))
        {
            problem = $"number 0x{Convert.ToHexString(bytes)} is not minimally encoded";
            return false;
        }
        for (int i = 0; i < bytes.Length; i++)
            value |= (long)bytes[i] << (8 * i);
        if (bytes.Length > 0 && (bytes[^1] & 0x80) != 0)
            value = -(value & ~(0x80L << (8 * (bytes.Length - 1))));
        problem = "";
        return true;
    }
}
