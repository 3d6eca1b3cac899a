namespace TensorCash.Proving.Replay;

/// <summary>How tier 2 compares committed values with the replay (docs/protocol/tier2-replay.md §3).</summary>
public enum ComparisonMode : byte
{
    /// <summary>Same backend and precision as the miner: every committed fp32 value must be bitwise equal.</summary>
    Exact = 1,
    /// <summary>Another backend or precision: per-value envelope plus an aggregate statistic over all checked values.</summary>
    Tolerant = 2,
}
