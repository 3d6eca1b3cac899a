using TensorCash.Proof.Transcript;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Parameters of the tolerant comparison (docs/protocol/tier2-replay.md §4). Each compared value i gets an
/// envelope τ_i derived from the step's logit envelope τ_t = AbsoluteTolerance + RelativeTolerance · R_t (R_t the
/// recomputed logit range); its normalized deviation is n_i = |committed − recomputed| / τ_i. A value with n_i > 1
/// rejects on its own; the mean of n_i² over every checked value must not exceed <see cref="AggregateThreshold"/>.
/// </summary>
public sealed record ToleranceEnvelope(double AbsoluteTolerance, double RelativeTolerance, double AggregateThreshold)
{
    /// <summary>Protocol defaults; rationale and the false-positive bound are in the spec.</summary>
    public static ToleranceEnvelope Default { get; } = new(1e-4, 1e-3, 1e-2);

    /// <summary>τ_t: how far a single logit of a step with logit range <paramref name="logitRange"/> may move.</summary>
    public double LogitEnvelope(double logitRange) => AbsoluteTolerance + RelativeTolerance * logitRange;

    /// <summary>logsumexp is 1-Lipschitz in the max norm: it moves at most as far as the logits.</summary>
    public double LogSumExpEnvelope(double logitEnvelope) => logitEnvelope;

    /// <summary>|ΔH| ≤ 2·δ·sd_p(l) ≤ δ·R for logits moved by at most δ; the absolute term covers fp32 rounding of H.</summary>
    public double EntropyEnvelope(double logitEnvelope, double logitRange) => AbsoluteTolerance + logitEnvelope * logitRange;

    /// <summary>|Δ log p_y| ≤ 2δ, so |Δp_y| ≤ p·(e^{2δ} − 1), with p the larger of the two claimed values.</summary>
    public double ProbabilityEnvelope(double logitEnvelope, double probability) => probability * (Math.Exp(2 * logitEnvelope) - 1);

    /// <summary>
    /// A sketch bucket sums the ⌈V/16⌉ max-centred logits v ≡ j (mod 16) with ±1 signs, so noise of size δ per logit
    /// that is not aligned with the public sign pattern moves it by about √⌈V/16⌉·δ (the worst case 2·⌈V/16⌉·δ would
    /// blind the sketch).
    /// </summary>
    public double SketchEnvelope(double logitEnvelope, int vocabSize) =>
        AbsoluteTolerance + Math.Sqrt((vocabSize + StepStatistics.SketchLength - 1) / StepStatistics.SketchLength) * logitEnvelope;
}
