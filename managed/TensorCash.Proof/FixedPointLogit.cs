namespace TensorCash.Proof;

/// <summary>
/// Converts an fp32 logit (raw IEEE-754 bits) to Q.32 fixed point: value * 2^32 rounded toward zero, magnitude
/// clamped to 2^16. Decoding the bit pattern with integer operations means no FPU rounding mode or runtime can
/// change the result. The conversion is exact for every |x| in [2^-9, 2^16): such floats are multiples of 2^-32.
/// </summary>
public static class FixedPointLogit
{
    public const int FractionBits = 32;

    /// <summary>Largest magnitude, 2^16 in Q.32: far beyond real logits, small enough that products fit in Int128.</summary>
    public const long MaxMagnitude = 1L << 48;

    public static long FromFloatBits(uint bits)
    {
        var negative = (bits >> 31) != 0;
        var exponent = (int)((bits >> 23) & 0xFF);
        var mantissa = bits & 0x7FFFFFu;
        if (exponent == 0xFF)
            throw new ProofInputException(mantissa == 0 ? $"logit bits 0x{bits:X8} encode an infinity" : $"logit bits 0x{bits:X8} encode NaN");

        // value = significand * 2^(exponent - 150) with the implicit bit for normals; subnormals are below 2^-126
        // and truncate to zero in Q.32.
        if (exponent == 0) return 0;
        var significand = (long)(mantissa | 0x800000u);
        var shift = exponent - 150 + FractionBits;
        long magnitude;
        if (exponent >= 127 + 16) magnitude = MaxMagnitude;
        else if (shift >= 0) magnitude = significand << shift;
        else magnitude = shift <= -24 ? 0 : significand >> -shift;
        return negative ? -magnitude : magnitude;
    }
}
