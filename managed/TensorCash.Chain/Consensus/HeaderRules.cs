using TensorCash.Chain.Blocks;
using TensorCash.Chain.Registry;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Header rules: version, nBits from ASERT, the model (Active in the registry), nAdjBits from its D_m, proof of work
/// against the model-adjusted target, timestamps, and last (the costliest, a few hundred squarings) the VDF tick
/// (<see cref="BlockVdf"/>). The genesis header is not checked here: it is hard-coded in <see cref="ChainParams"/> and
/// accepted by hash (it has no parent, no model and no proof).
/// </summary>
public static class HeaderRules
{
    /// <summary>
    /// Checks a non-genesis header against its context (<c>context.Parent</c> must be the header's parent, at height
    /// <c>context.Height - 1</c>) and <paramref name="registry"/>, the model registry after that parent (it says which
    /// models the block may run and their D_m). Cheap context-free checks come first, then the targets, then time:
    /// "bad-version", "bad-diffbits", "bad-model", "bad-model-inactive", "bad-adjbits", "high-hash", "time-too-old",
    /// "time-timewarp-attack", "time-too-new", then <see cref="BlockVdf.Check"/>'s "bad-vdf-…" on
    /// <paramref name="vdfEvidence"/>, the (y || π) that travels with the header.
    /// </summary>
    public static RuleViolation? Check(BlockHeader header, ReadOnlySpan<byte> vdfEvidence, HeaderContext context, ChainParams parameters, ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (header.Version < 1)
            return new RuleViolation("bad-version", $"block version {header.Version} is below 1");

        uint expectedBits = TargetCalculator.NextBits(context, parameters);
        if (header.Bits != expectedBits)
            return new RuleViolation("bad-diffbits", $"nBits 0x{header.Bits:x8} at height {context.Height}; ASERT requires 0x{expectedBits:x8}");

        if (registry.CheckModel(header.ModelId) is { } badModel) return badModel;
        var model = registry.ActiveModel(header.ModelId)!;
        uint expectedAdjBits = TargetCalculator.AdjustedBits(header.Bits, model.Difficulty, parameters);
        if (header.AdjBits != expectedAdjBits)
            return new RuleViolation("bad-adjbits", $"nAdjBits 0x{header.AdjBits:x8} for model {header.ModelId} with nBits 0x{header.Bits:x8}; expected 0x{expectedAdjBits:x8}");

        // nAdjBits equals a canonical encoding of a target in [1, powLimit] here, so it decodes.
        var target = CompactBits.DecodeTarget(header.AdjBits)!.Value;
        var hash = header.Hash;
        if (hash.ToBigInteger() > target)
            return new RuleViolation("high-hash", $"block hash {hash} is above the model-adjusted target 0x{header.AdjBits:x8}");

        if (header.Time <= context.ParentMedianTimePast)
            return new RuleViolation("time-too-old", $"block time {header.Time} is not after the median time past {context.ParentMedianTimePast}");
        long earliest = (long)context.Parent.Time - parameters.MaxTimeWarpSeconds;
        if (header.Time < earliest)
            return new RuleViolation("time-timewarp-attack", $"block time {header.Time} is more than {parameters.MaxTimeWarpSeconds} s before its parent's time {context.Parent.Time}");
        long latest = context.AdjustedNow + parameters.MaxFutureBlockTimeSeconds;
        if (header.Time > latest)
            return new RuleViolation("time-too-new", $"block time {header.Time} is more than {parameters.MaxFutureBlockTimeSeconds} s after the adjusted time {context.AdjustedNow}");

        return BlockVdf.Check(header, vdfEvidence, parameters);
    }
}
