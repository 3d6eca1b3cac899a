using System.Numerics;

namespace TensorCash.Toolkit.Selection;

/// <summary>
/// -log2(u) for u = (w + 1) / 2^64, w a 64-bit word, in Q64.64 fixed point, by integers only: the integer part from the
/// bit length, then 64 fraction bits by repeated squaring of the mantissa (each square that reaches 2 yields a 1 bit).
/// Truncation makes the result at most 2^-58 below the real value, identically on every machine, which is what
/// consensus needs: every party must rank committee tickets the same way.
/// </summary>
internal static class NegativeLog2
{
    public static UInt128 Q64(ulong word)
    {
        UInt128 x = (UInt128)word + 1;                              // 1 .. 2^64
        int integer = 127 - (int)UInt128.LeadingZeroCount(x);       // floor(log2 x), 0 .. 64
        UInt128 mantissa = (x << 63) >> integer;                    // x / 2^integer in Q1.63: [2^63, 2^64)
        ulong fraction = 0;
        for (int bit = 63; bit >= 0; bit--)
        {
            mantissa = (mantissa * mantissa) >> 63;                 // squared, still Q1.63, now in [2^63, 2^65)
            if (mantissa >= (UInt128)1 << 64)
            {
                mantissa >>= 1;
                fraction |= 1UL << bit;
            }
        }
        // -log2(u) = 64 - log2(x) = (64 - integer) - fraction / 2^64
        return ((UInt128)(ulong)(64 - integer) << 64) - fraction;
    }

    /// <summary>Compares a / wa with b / wb exactly (a, b in Q64.64, positive integer weights): -1, 0 or 1.</summary>
    public static int CompareRatios(UInt128 a, ulong wa, UInt128 b, ulong wb) =>
        ((BigInteger)a * wb).CompareTo((BigInteger)b * wa);
}
