using System.Numerics;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Bitcoin's compact target encoding ("nBits"), base-256 scientific notation: a one-byte exponent (the byte length of
/// the value) and a 23-bit mantissa plus a sign bit, as in Bitcoin Core's arith_uint256::SetCompact/GetCompact.
/// <code>
///   bits = EE MM MM MM    value = mantissa * 256^(EE - 3), truncated when EE &lt; 3   (mantissa = bits &amp; 0x007fffff)
///   0x00800000 is the sign bit; a usable target never has it set.
/// </code>
/// A header's nBits or nAdjBits is a usable target only when it is not zero, not negative and below 2^256 (Core's
/// DeriveTarget); the encoder only produces canonical encodings of such values (and of zero).
/// </summary>
public static class CompactBits
{
    private const uint MantissaMask = 0x007f_ffff;
    private const uint SignBit = 0x0080_0000;
    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    /// <summary>
    /// SetCompact: the magnitude, and whether the sign bit was set on a non-zero mantissa (<paramref name="negative"/>)
    /// or the value needs more than 256 bits (<paramref name="overflow"/>). The magnitude is exact (not reduced mod
    /// 2^256), which only matters when <paramref name="overflow"/> is set, and then the value is unusable anyway.
    /// </summary>
    public static BigInteger Decode(uint compact, out bool negative, out bool overflow)
    {
        int size = (int)(compact >> 24);
        uint mantissa = compact & MantissaMask;
        // As in Core, a size below 3 drops mantissa bytes BEFORE the flags are judged: 0x01803456 is 0, not negative.
        if (size <= 3) mantissa >>= 8 * (3 - size);
        var value = size <= 3 ? new BigInteger(mantissa) : new BigInteger(mantissa) << (8 * (size - 3));
        negative = mantissa != 0 && (compact & SignBit) != 0;
        // Core's rule on the mantissa: it names exactly the encodings of values of 2^256 or more.
        overflow = mantissa != 0 && (size > 34 || (mantissa > 0xff && size > 33) || (mantissa > 0xffff && size > 32));
        return value;
    }

    /// <summary>The target an nBits field names, or null if it is negative, zero or overflows (never a valid target).</summary>
    public static BigInteger? DecodeTarget(uint compact)
    {
        var value = Decode(compact, out bool negative, out bool overflow);
        return negative || overflow || value.IsZero ? null : value;
    }

    /// <summary>
    /// GetCompact for a non-negative value below 2^256: keeps the three most significant bytes (truncating, so
    /// Decode(Encode(t)) &lt;= t) and never sets the sign bit (a mantissa with its top bit set moves one byte down).
    /// </summary>
    public static uint Encode(BigInteger value)
    {
        if (value.Sign < 0 || value >= TwoTo256)
            throw new ArgumentOutOfRangeException(nameof(value), value, "a compact target encodes 0 <= value < 2^256");
        int size = (int)((value.GetBitLength() + 7) / 8);
        uint mantissa = size <= 3
            ? (uint)value << (8 * (3 - size))
            : (uint)(value >> (8 * (size - 3)));
        if ((mantissa & SignBit) != 0)
        {
            mantissa >>= 8;
            size++;
        }
        return mantissa | (uint)size << 24;
    }
}
