namespace TensorCash.Proving.Replay;

/// <summary>What a tier-2 replay checks and how.</summary>
public sealed record Tier2Options
{
    public ComparisonMode Mode { get; init; } = ComparisonMode.Exact;

    /// <summary>How many steps to check, chosen by <see cref="ReplayPositions"/>; 0 (or at least the step count) = every step.</summary>
    public int SampledPositions { get; init; }

    /// <summary>
    /// Seed of the sample: the verifier's own secret randomness, never a value from the proof. A seed the miner can
    /// compute (such as the commitment, which a miner can regrind) lets it place its edits where no one looks
    /// (docs/protocol/security.md §4). Required when sampling.
    /// </summary>
    public byte[]? PositionSeed { get; init; }

    public ToleranceEnvelope Tolerance { get; init; } = ToleranceEnvelope.Default;

    /// <summary>Tokens per forward call of the replay prefill; the engine's results do not depend on it, memory does.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    public const int DefaultChunkSize = 256;

    /// <summary>Stop listing per-step rejections after this many (the verdict does not change, the report stays readable).</summary>
    public int MaxRejections { get; init; } = 64;
}
