using TensorCash.Chain.Blocks;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Header rules: version, nBits from ASERT, the model table, nAdjBits, proof of work against the model-adjusted
/// target, timestamps. The genesis header is not checked here: it is hard-coded in <see cref="ChainParams"/> and
/// accepted by hash (it has no parent, no model and no proof).
/// </summary>
public static class HeaderRules
{
    /// <summary>
    /// Checks a non-genesis header against its context (<c>context.Parent</c> must be the header's parent, at height
    /// <c>context.Height - 1</c>). Cheap context-free checks come first, then the targets, then time:
    /// "bad-version", "bad-diffbits", "bad-model", "bad-adjbits", "high-hash", "time-too-old",
    /// "time-timewarp-attack", "time-too-new".
    /// </summary>
    public static RuleViolation? Check(BlockHeader header, HeaderContext context, ChainParams parameters)
    {
        if (header.Version < 1)
            return new RuleViolation("bad-version", $"block version {header.Version} is below 1");

        uint expectedBits = TargetCalculator.NextBits(context, parameters);
        if (header.Bits != expectedBits)
            return new RuleViolation("bad-diffbits", $"nBits 0x{header.Bits:x8} at height {context.Height}; ASERT requires 0x{expectedBits:x8}");

        if (TargetCalculator.AdjustedBits(header.Bits, header.ModelId, parameters) is not { } expectedAdjBits)
            return new RuleViolation("bad-model", $"model {header.ModelId} is not in the {parameters.Network} model table");
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

        return null;
    }
}
