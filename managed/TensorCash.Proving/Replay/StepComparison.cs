using System.Globalization;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Compares one step's committed evidence, statistics and sketch with the replay's values, in either mode, and adds
/// every normalized deviation to a tally. Returns at most one rejection per reason (the worst offending value), so a
/// substituted model produces a readable list rather than thousands of lines.
/// </summary>
public static class StepComparison
{
    public static List<Rejection> Compare(int step, TranscriptStep committed, RecomputedStep recomputed, int vocabSize,
        ComparisonMode mode, ToleranceEnvelope envelope, DeviationTally tally)
    {
        double tau = envelope.LogitEnvelope(recomputed.LogitRange);
        var found = new List<Rejection>();
        var worst = new Dictionary<RejectReason, (double Normalized, string Message)>();

        void Value(RejectReason kind, string what, uint committedBits, uint recomputedBits, double valueEnvelope)
        {
            double c = BitConverter.UInt32BitsToSingle(committedBits), r = BitConverter.UInt32BitsToSingle(recomputedBits);
            double delta = Math.Abs(c - r);
            double normalized = delta == 0 ? 0 : valueEnvelope > 0 ? delta / valueEnvelope : double.PositiveInfinity;
            if (double.IsNaN(normalized)) normalized = double.PositiveInfinity;
            tally.Add(kind, normalized);
            bool rejects = mode == ComparisonMode.Exact ? committedBits != recomputedBits : normalized > 1;
            if (rejects && (!worst.TryGetValue(kind, out var w) || normalized > w.Normalized))
                worst[kind] = (normalized, $"step {step}: {what} committed {Show(committedBits)}, replay {Show(recomputedBits)}"
                    + (mode == ComparisonMode.Tolerant ? $" (|Δ| = {Fmt(delta)} > envelope {Fmt(valueEnvelope)})" : " (exact mode: bits differ)"));
        }

        var candidates = committed.Evidence.Candidates;
        for (int i = 0; i < candidates.Count; i++)
            Value(RejectReason.EvidenceLogitMismatch, $"logit of token {candidates[i].TokenId}", candidates[i].LogitBits, recomputed.CommittedIdLogitBits[i], tau);
        CheckNothingHidden(step, committed, recomputed, mode, tau, tally, worst);

        var cs = committed.Statistics;
        var rs = recomputed.Statistics;
        Value(RejectReason.StatisticsMismatch, "logsumexp", cs.LogSumExpBits, rs.LogSumExpBits, envelope.LogSumExpEnvelope(tau));
        Value(RejectReason.StatisticsMismatch, "entropy", cs.EntropyBits, rs.EntropyBits, envelope.EntropyEnvelope(tau, recomputed.LogitRange));
        double p = Math.Max(BitConverter.UInt32BitsToSingle(cs.SampledProbabilityBits), BitConverter.UInt32BitsToSingle(rs.SampledProbabilityBits));
        Value(RejectReason.StatisticsMismatch, $"probability of sampled token {committed.Token}", cs.SampledProbabilityBits, rs.SampledProbabilityBits,
            envelope.ProbabilityEnvelope(tau, double.IsFinite(p) ? p : 0));

        if (cs.SketchBits.Length != rs.SketchBits.Length)
            worst[RejectReason.SketchMismatch] = (double.PositiveInfinity, $"step {step}: sketch has {cs.SketchBits.Length} entries, expected {rs.SketchBits.Length}");
        else
            for (int j = 0; j < cs.SketchBits.Length; j++)
                Value(RejectReason.SketchMismatch, $"sketch[{j}]", cs.SketchBits[j], rs.SketchBits[j], envelope.SketchEnvelope(tau, vocabSize));

        foreach (var (reason, (_, message)) in worst.OrderBy(w => w.Key)) found.Add(new Rejection(reason, step, -1, message));
        return found;
    }

    /// <summary>
    /// The committed set must be the top K: a miner must not drop a higher-logit token to steer the draw. Exact mode
    /// demands the replay's top-K ids (ties to the lower id, as the capture does); tolerant mode demands that the best
    /// omitted token not exceed the lowest committed logit by more than the envelope.
    /// </summary>
    private static void CheckNothingHidden(int step, TranscriptStep committed, RecomputedStep recomputed, ComparisonMode mode, double tau,
        DeviationTally tally, Dictionary<RejectReason, (double Normalized, string Message)> worst)
    {
        var candidates = committed.Evidence.Candidates;
        var committedIds = candidates.Select(c => c.TokenId).ToHashSet();
        int k = Math.Min(candidates.Count, recomputed.TopCandidates.Length);
        LogitCandidate? hidden = null;
        for (int i = 0; i < recomputed.TopCandidates.Length && hidden is null; i++)
            if (!committedIds.Contains(recomputed.TopCandidates[i].TokenId) && (mode == ComparisonMode.Tolerant || i < k))
                hidden = recomputed.TopCandidates[i];
        if (hidden is not { } h) return;

        double lowest = candidates.Min(c => (double)BitConverter.UInt32BitsToSingle(c.LogitBits));
        double excess = BitConverter.UInt32BitsToSingle(h.LogitBits) - lowest;
        double normalized = excess <= 0 ? 0 : tau > 0 ? excess / tau : double.PositiveInfinity;
        tally.Add(RejectReason.EvidenceLogitMismatch, normalized);
        bool rejects = mode == ComparisonMode.Exact || normalized > 1;
        if (rejects && (!worst.TryGetValue(RejectReason.EvidenceLogitMismatch, out var w) || normalized >= w.Normalized))
            worst[RejectReason.EvidenceLogitMismatch] = (normalized,
                $"step {step}: token {h.TokenId} (replay logit {Show(h.LogitBits)}) belongs in the top {candidates.Count} but is not committed; lowest committed logit {Fmt(lowest)}");
    }

    private static string Show(uint bits) => $"{Fmt(BitConverter.UInt32BitsToSingle(bits))} (0x{bits:x8})";

    private static string Fmt(double value) => value.ToString("G9", CultureInfo.InvariantCulture);
}
