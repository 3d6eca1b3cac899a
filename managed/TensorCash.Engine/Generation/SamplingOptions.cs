namespace TensorCash.Engine.Generation;

/// <summary>
/// Settings of <see cref="StandardSampler"/>. Temperature 0 means greedy; TopK 0 and TopP 1 disable
/// those filters; RepetitionPenalty 1 disables the penalty.
/// </summary>
public sealed record SamplingOptions
{
    public float Temperature { get; init; } = 0.8f;
    public int TopK { get; init; } = 40;
    public float TopP { get; init; } = 0.95f;
    public float RepetitionPenalty { get; init; } = 1.1f;
    public ulong Seed { get; init; }

    public static SamplingOptions Greedy { get; } = new() { Temperature = 0, TopK = 0, TopP = 1, RepetitionPenalty = 1 };

    /// <summary>The first problem with these settings as a sentence naming the setting, or null when they are usable.</summary>
    public string? Problem()
    {
        if (!(Temperature >= 0) || float.IsInfinity(Temperature)) return $"temperature must be a finite number >= 0 (got {Temperature})";
        if (TopK < 0) return $"top-k must be >= 0, 0 disables it (got {TopK})";
        if (!(TopP > 0 && TopP <= 1)) return $"top-p must be in (0, 1], 1 disables it (got {TopP})";
        if (!(RepetitionPenalty > 0) || float.IsInfinity(RepetitionPenalty)) return $"repetition penalty must be a finite number > 0, 1 disables it (got {RepetitionPenalty})";
        return null;
    }
}
