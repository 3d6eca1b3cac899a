using TensorCash.Engine.Runtime;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving.Replay;

/// <summary>Recomputes the last step of a challenge context with one prefill; null if the ids or length do not fit the model.</summary>
internal static class ChallengeReplay
{
    public static RecomputedStep? Recompute(Transformer transformer, int[] context, int promptLength, TranscriptStep committed)
    {
        var config = transformer.Config;
        bool fits = promptLength >= 1 && context.Length >= promptLength && context.Length <= config.MaxSequenceLength
            && context.All(id => (uint)id < (uint)config.VocabSize)
            && (uint)committed.Token < (uint)config.VocabSize
            && committed.Evidence.Candidates.All(c => (uint)c.TokenId < (uint)config.VocabSize);
        if (!fits) return null;
        int step = context.Length - promptLength;
        RecomputedStep? result = null;
        TeacherForcedReplay.Run(transformer, context, promptLength, [step], Tier2Options.DefaultChunkSize,
            (_, logits) => { result = RecomputedStep.From(logits, committed, new LogitSketch(config.VocabSize)); return true; });
        return result;
    }
}
