namespace TensorCash.Chain.Crypto;

/// <summary>
/// Bech32 (BIP173): a human-readable part, the separator '1', 5-bit data characters and a 6-character BCH
/// checksum that detects any 4 errors. Only the original constant 1 (not BIP350's bech32m): TensorCash addresses
/// carry version 0 only.
/// </summary>
public static class Bech32
{
    public const int MaxLength = 90;
    private const int ChecksumLength = 6;
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>Lower-case bech32 string for <paramref name="hrp"/> and 5-bit <paramref name="data"/> values.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        if (!IsValidHrp(hrp) || hrp.Any(char.IsUpper)) throw new ArgumentException($"'{hrp}' is not a lower-case human-readable part of 1-83 printable ASCII characters", nameof(hrp));
        if (hrp.Length + 1 + data.Length + ChecksumLength > MaxLength) throw new ArgumentException($"bech32 strings are at most {MaxLength} characters", nameof(data));
        foreach (var value in data)
            if (value > 31) throw new ArgumentException($"bech32 data values are 5-bit, got {value}", nameof(data));
        var values = new byte[data.Length + ChecksumLength];
        data.CopyTo(values);
        uint checksum = Polymod(hrp, values) ^ 1; // the checksum positions are zero while computing
        for (int i = 0; i < ChecksumLength; i++)
            values[data.Length + i] = (byte)((checksum >> (5 * (ChecksumLength - 1 - i))) & 31);
        var text = new char[hrp.Length + 1 + values.Length];
        hrp.CopyTo(text);
        text[hrp.Length] = '1';
        for (int i = 0; i < values.Length; i++) text[hrp.Length + 1 + i] = Charset[values[i]];
        return new string(text);
    }

    /// <summary>
    /// Parses and checks a bech32 string. On success <paramref name="hrp"/> is lower-case and
    /// <paramref name="data"/> holds the 5-bit values without the checksum; otherwise <paramref name="error"/> says why.
    /// </summary>
    public static bool TryDecode(string text, out string hrp, out byte[] data, out string error)
    {
        hrp = "";
        data = [];
        if (text.Length > MaxLength) { error = $"too long: {text.Length} characters, at most {MaxLength}"; return false; }
        bool lower = false, upper = false;
        foreach (char c in text)
        {
            if (c < 33 || c > 126) { error = $"character U+{(int)c:X4} is outside printable ASCII"; return false; }
            lower |= c is >= 'a' and <= 'z';
            upper |= c is >= 'A' and <= 'Z';
        }
        if (lower && upper) { error = "mixes upper and lower case"; return false; }
        int separator = text.LastIndexOf('1');
        if (separator < 0) { error = "no separator '1'"; return false; }
        if (separator == 0) { error = "empty human-readable part"; return false; }
        if (text.Length - separator - 1 < ChecksumLength) { error = $"data part shorter than the {ChecksumLength}-character checksum"; return false; }

        var lowered = text.ToLowerInvariant();
        var values = new byte[text.Length - separator - 1];
        for (int i = 0; i < values.Length; i++)
        {
            int index = Charset.IndexOf(lowered[separator + 1 + i]);
            if (index < 0) { error = $"'{text[separator + 1 + i]}' at position {separator + 1 + i} is not a bech32 character"; return false; }
            values[i] = (byte)index;
        }
        var prefix = lowered[..separator];
        if (Polymod(prefix, values) != 1) { error = "bad checksum"; return false; }
        hrp = prefix;
        data = values[..^ChecksumLength];
        error = "";
        return true;
    }

    /// <summary>
    /// Regroups bits (e.g. 8-bit bytes to 5-bit values). With <paramref name="pad"/> the last group is zero-filled;
    /// without it leftover bits must be fewer than <paramref name="fromBits"/> and zero (BIP173's decoding rule).
    /// Null if an input value does not fit in <paramref name="fromBits"/> or the padding rule is broken.
    /// </summary>
    public static byte[]? ConvertBits(ReadOnlySpan<byte> input, int fromBits, int toBits, bool pad)
    {
        int accumulator = 0, bits = 0, maxValue = (1 << toBits) - 1;
        var output = new List<byte>(input.Length * fromBits / toBits + 1);
        foreach (var value in input)
        {
            if (value >> fromBits != 0) return null;
            accumulator = (accumulator << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                output.Add((byte)((accumulator >> bits) & maxValue));
            }
            accumulator &= (1 << bits) - 1; // keep only the unconsumed bits so the int never overflows
        }
        if (pad)
        {
            if (bits > 0) output.Add((byte)((accumulator << (toBits - bits)) & maxValue));
        }
        else if (bits >= fromBits || accumulator != 0)
        {
            return null;
        }
        return output.ToArray();
    }

    private static bool IsValidHrp(string hrp) =>
        hrp.Length is >= 1 and <= MaxLength - 1 - ChecksumLength && hrp.All(c => c is >= (char)33 and <= (char)126);

    // BIP173's polymod over the expanded HRP (high bits, a zero, low bits) followed by the data values.
    private static uint Polymod(string hrp, ReadOnlySpan<byte> values)
    {
        uint chk = 1;
        foreach (char c in hrp) chk = Step(chk, (byte)(c >> 5));
        chk = Step(chk, 0);
        foreach (char c in hrp) chk = Step(chk, (byte)(c & 31));
        foreach (var v in values) chk = Step(chk, v);
        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        uint top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++)
            if (((top >> i) & 1) != 0) chk ^= Generator[i];
        return chk;
    }
}
