using System.Numerics;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// The targets a header must carry, as pure functions for validation and for miners building a template:
/// nBits from ASERT anchored at genesis, and nAdjBits from nBits and the model's difficulty D_m.
/// </summary>
public static class TargetCalculator
{
    /// <summary>
    /// nBits of the block at <c>context.Height</c> (&gt;= 1): ASERT evaluated at its parent, with the genesis block as
    /// the anchor (height 0, target from genesis nBits) and the anchor's parent time taken as genesis time minus one
    /// spacing (genesis has no parent; with that convention a chain exactly on schedule keeps the genesis target).
    /// Regtest (<see cref="ChainParams.NoRetargeting"/>) always uses powLimit.
    /// </summary>
    public static uint NextBits(HeaderContext context, ChainParams parameters)
    {
        if (context.Height < 1) throw new ArgumentOutOfRangeException(nameof(context), context.Height, "genesis (height 0) has fixed bits");
        if (parameters.NoRetargeting) return parameters.PowLimitBits;
        var anchor = parameters.Genesis.Header;
        long anchorParentTime = anchor.Time - parameters.TargetSpacingSeconds;
        var target = Asert.NextTarget(parameters.GenesisTarget,
            timeDelta: context.Parent.Time - anchorParentTime,
            heightDelta: context.Height - 1,
            parameters.TargetSpacingSeconds, parameters.AsertHalfLifeSeconds, parameters.PowLimit);
        return CompactBits.Encode(target);
    }

    /// <summary>
    /// T_adj = max(1, min(powLimit, floor(T_base * N / D_m))) for the DECODED base target. Clamped to powLimit like
    /// every target, and to at least 1 so that its encoding is always a valid nBits.
    /// </summary>
    public static BigInteger AdjustedTarget(BigInteger baseTarget, ulong modelDifficulty, ChainParams parameters)
    {
        if (modelDifficulty == 0) throw new ArgumentOutOfRangeException(nameof(modelDifficulty), "a model difficulty D_m is at least 1");
        var adjusted = baseTarget * parameters.ModelNormaliser / modelDifficulty;
        if (adjusted > parameters.PowLimit) return parameters.PowLimit;
        return adjusted.IsZero ? BigInteger.One : adjusted;
    }

    /// <summary>
    /// The nAdjBits a header with base bits <paramref name="bits"/> on a model of difficulty <paramref name="difficulty"/>
    /// (D_m, from the registry entry the header's model id names) must carry: the compact encoding of T_adj computed
    /// from the decoded T_base. Proof of work then uses the target decoded from these bits (at most T_adj: the encoding
    /// truncates).
    /// </summary>
    public static uint AdjustedBits(uint bits, ulong difficulty, ChainParams parameters)
    {
        var baseTarget = CompactBits.DecodeTarget(bits)
            ?? throw new ArgumentException($"nBits 0x{bits:x8} is not a valid target (negative, zero or overflowing)", nameof(bits));
        return CompactBits.Encode(AdjustedTarget(baseTarget, difficulty, parameters));
    }
}
