using TensorCash.Engine.Generation;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving.Replay;

/// <summary>
/// What the verifier's replay says about one step, reduced to the values tier 2 compares: the recomputed logit of
/// every committed id (in the committed, ascending-id order), the recomputed top K+1 candidates (descending, so the
/// best omitted token is visible), the statistics and sketch, and the logit range that scales the envelope.
/// </summary>
public sealed record RecomputedStep(uint[] CommittedIdLogitBits, LogitCandidate[] TopCandidates, StepStatistics Statistics, double LogitRange)
{
    /// <summary>Reduces the replay's full logit row; ids must already be checked against the vocabulary.</summary>
    public static RecomputedStep From(ReadOnlySpan<float> logits, TranscriptStep committed, LogitSketch sketch)
    {
        var candidates = committed.Evidence.Candidates;
        var atCommitted = new uint[candidates.Count];
        for (int i = 0; i < atCommitted.Length; i++) atCommitted[i] = BitConverter.SingleToUInt32Bits(logits[candidates[i].TokenId]);

        var ids = new int[Math.Min(candidates.Count + 1, logits.Length)];
        var values = new float[ids.Length];
        TopK.Select(logits, ids.Length, ids, values);
        var top = new LogitCandidate[ids.Length];
        for (int i = 0; i < top.Length; i++) top[i] = new LogitCandidate(ids[i], BitConverter.SingleToUInt32Bits(values[i]));

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float l in logits)
        {
            if (l < min) min = l;
            if (l > max) max = l;
        }
        return new RecomputedStep(atCommitted, top, LogitStatistics.Compute(logits, committed.Token, sketch), (double)max - min);
    }
}
