using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Outcome of a tier-2 replay: the rejections (empty = accepted), which steps were checked, and the deviation figures
/// (normalized by the tolerant envelopes, computed in both modes) that calibration reports use.
/// </summary>
public sealed record Tier2Report(
    IReadOnlyList<Rejection> Rejections,
    IReadOnlyList<int> CheckedSteps,
    long ValuesCompared,
    double MaxNormalizedDeviation,
    double MeanSquareNormalizedDeviation)
{
    public bool Accepted => Rejections.Count == 0;
}
