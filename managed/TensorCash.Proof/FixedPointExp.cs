namespace TensorCash.Proof;

/// <summary>
/// exp(-d) in integers, the softmax kernel of the sampler. d >= 0 arrives in Q.32; the result is a weight in Q.32
/// (2^32 = 1.0). Range reduction d = n*ln2 + r with ln2 in Q.64, then a 16-term Taylor series for exp(-r) on
/// r in [0, ln2) evaluated by Horner's rule in Q.62, then a right shift by n. Taylor remainder &lt; 2^-57 and Horner
/// truncation &lt; 2^-58, so the only visible error is the final floor: |weight - 2^32 * exp(-d)| &lt; 1.
/// </summary>
public static class FixedPointExp
{
    /// <summary>floor(ln 2 * 2^64).</summary>
    private static readonly UInt128 Ln2Q64 = 0xB17217F7D1CF79ABUL;

    private const int HornerFractionBits = 62;
    private const int TaylorTerms = 16;
    private static readonly UInt128 OneQ62 = UInt128.One << HornerFractionBits;

    public static ulong NegExpQ32(ulong dQ32)
    {
        var x = (UInt128)dQ32 << 32;
        var n = x / Ln2Q64;
        // exp(-r) <= 1, so once 2^-n < 2^-32 the weight floors to zero.
        if (n > 32) return 0;
        var r = (x - n * Ln2Q64) >> (64 - HornerFractionBits);

        // exp(-r) = 1 - r(1 - r/2(1 - r/3(...))): every partial value stays in [0, 1], so unsigned Q.62 suffices.
        var e = OneQ62;
        for (var k = TaylorTerms; k >= 1; k--) e = OneQ62 - ((r * e) >> HornerFractionBits) / (uint)k;
        return (ulong)(e >> (HornerFractionBits - 32 + (int)n));
    }
}
