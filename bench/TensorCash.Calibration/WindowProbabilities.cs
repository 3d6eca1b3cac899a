using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Calibration;

/// <summary>
/// The sampled probabilities π_t (Q.32) that the entropy ceiling averages, recomputed from a transcript exactly as
/// tier 1 does: the session is re-run over the committed evidence (hashing only, no model).
/// </summary>
public static class WindowProbabilities
{
    public static ulong[] Of(ProofTranscript transcript)
    {
        var h = transcript.Header;
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Profile);
        var probabilities = new ulong[transcript.Steps.Count];
        for (int t = 0; t < probabilities.Length; t++)
        {
            var step = transcript.Steps[t];
            var pending = session.Sample(step.Evidence);
            if (pending.Sampled.TokenId != step.Token) throw new InvalidOperationException($"step {t}: the transcript's token is not its draw");
            probabilities[t] = pending.Sampled.ProbabilityQ32;
            session.Commit(pending, StatisticsEncoding.ToBytes(step.Statistics));
        }
        return probabilities;
    }

    /// <summary>Mean of π_t over steps [from, from + count), as a fraction.</summary>
    public static double Mean(ulong[] probabilitiesQ32, int from, int count)
    {
        UInt128 sum = 0;
        for (int t = from; t < from + count; t++) sum += probabilitiesQ32[t];
        return (double)sum / count / 4294967296.0;
    }
}
