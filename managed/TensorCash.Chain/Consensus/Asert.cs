using System.Numerics;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// aserti3-2d, the absolutely scheduled exponentially rising target of Bitcoin Cash (spec "ASERT Difficulty Adjustment
/// Algorithm (aserti3-2d)", bitcoincash.org spec/2020-11-15-asert.md, by freetrader, J. Toomim, C. Culianu and
/// M. Lundeberg), written from the spec's pseudo-code:
/// <code>
///   next_target = anchor_target * 2^((time_delta - spacing * (height_delta + 1)) / half_life)
/// </code>
/// in integers only: the exponent in 16.16 fixed point (truncating division), its integer part as a shift and its
/// fraction through the spec's cubic approximation of 2^x on [0, 1), which is exact at 0 and 1. The result is
/// clamped to [1, powLimit]. Each target depends only on the anchor and the evaluated block, never on a chain of
/// previous targets, so rounding errors do not accumulate.
/// </summary>
public static class Asert
{
    private const int RadixBits = 16;
    private const long Radix = 1L << RadixBits;

    // Coefficients of the spec's 2^x approximation, scaled by 2^48 (f(x) = 1 + (c1 x + c2 x^2 + c3 x^3) / 2^48 in 16.16).
    private static readonly BigInteger C1 = 195_766_423_245_049;
    private static readonly BigInteger C2 = 971_821_376;
    private static readonly BigInteger C3 = 5_127;
    private static readonly BigInteger Rounding = BigInteger.One << 47;

    // Beyond this many shifts either way the result is pinned whatever the fraction: anchor * factor is below 2^273
    // (anchor < 2^256, factor < 2^17), so 257 right shifts plus the final 16 leave 0 (then 1), and 257 left shifts
    // give at least 2^257 > powLimit. Exiting early keeps shift counts small (spec note 6) and changes no result.
    private const int PinnedShifts = 257;

    /// <summary>
    /// The target for the block after the evaluated block. <paramref name="timeDelta"/> = evaluated block's time minus
    /// the anchor's PARENT's time (may be negative); <paramref name="heightDelta"/> = evaluated height minus anchor
    /// height (&gt;= 0). Requires 0 &lt; <paramref name="anchorTarget"/> &lt;= <paramref name="powLimit"/>.
    /// </summary>
    public static BigInteger NextTarget(BigInteger anchorTarget, long timeDelta, long heightDelta,
        long spacingSeconds, long halfLifeSeconds, BigInteger powLimit)
    {
        if (anchorTarget.Sign <= 0 || anchorTarget > powLimit)
            throw new ArgumentOutOfRangeException(nameof(anchorTarget), anchorTarget, "the anchor target must be in (0, powLimit]");
        if (heightDelta < 0) throw new ArgumentOutOfRangeException(nameof(heightDelta), heightDelta, "the evaluated block cannot precede the anchor");
        if (spacingSeconds <= 0) throw new ArgumentOutOfRangeException(nameof(spacingSeconds), spacingSeconds, "must be positive");
        if (halfLifeSeconds <= 0) throw new ArgumentOutOfRangeException(nameof(halfLifeSeconds), halfLifeSeconds, "must be positive");

        // BigInteger throughout: with 64-bit heights (the spec's vectors go up to 2^63) the products overflow a long.
        var behindSchedule = timeDelta - spacingSeconds * ((BigInteger)heightDelta + 1);
        // Spec note 3: truncating division (BigInteger.Divide rounds toward zero, like C).
        var exponent = BigInteger.Divide(behindSchedule * Radix, halfLifeSeconds);
        // floor(exponent / 2^16) by arithmetic shift, leaving a fraction in [0, 2^16).
        var shifts = exponent >> RadixBits;
        var fraction = exponent - (shifts << RadixBits);

        if (shifts >= PinnedShifts) return powLimit;
        if (shifts <= -PinnedShifts) return BigInteger.One;

        var factor = ((C1 * fraction + C2 * fraction * fraction + C3 * fraction * fraction * fraction + Rounding) >> 48) + Radix;
        var target = anchorTarget * factor;
        target = shifts.Sign < 0 ? target >> (int)-shifts : target << (int)shifts;
        target >>= RadixBits;

        if (target.IsZero) return BigInteger.One; // the hardest valid target
        return target > powLimit ? powLimit : target;
    }
}
