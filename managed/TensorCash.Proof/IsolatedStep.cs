using TensorCash.Proof.Transcript;

namespace TensorCash.Proof;

/// <summary>
/// Recomputes one step's context hash, draw, sampled token and leaf from its context alone, without the steps before
/// it: what a third party needs to check that a disputed step is the one a commitment covers. Gives exactly what
/// <see cref="ProofSession"/> computes at that step (same salt, context hash chain, draw, repetition window and sampler).
/// </summary>
public static class IsolatedStep
{
    /// <param name="generatedBefore">y_0..y_{t-1}: the tokens generated before the step; t is their count.</param>
    public static (SampledToken Sampled, byte[] Leaf, byte[] Genesis) Recompute(ChainBinding binding, ReadOnlySpan<byte> modelId, ReadOnlySpan<int> prompt,
        ReadOnlySpan<int> generatedBefore, ProofProfile profile, StepEvidence evidence, StepStatistics statistics)
    {
        if (generatedBefore.Length >= profile.WindowSize)
            throw new ProofInputException($"step {generatedBefore.Length} is outside a window of {profile.WindowSize}");
        var session = new ProofSession(binding, modelId, prompt, profile);
        var context = session.CurrentContext;
        foreach (int token in generatedBefore) context = ContextHash.Next(context, token);
        uint step = (uint)generatedBefore.Length;
        var draw = DrawFunction.Draw(binding, step, context, profile.Precision);
        var penalized = RepetitionWindow.PenalizedTokens([.. prompt, .. session.Salt, .. generatedBefore], profile.Decode.PenaltyLastN);
        var sampled = SamplingDistribution.Build(evidence, profile.Decode, penalized).Sample(draw);
        var leaf = StepLeaf.Hash(step, context, sampled.TokenId, evidence, sampled.ProbabilityQ32, StatisticsEncoding.ToBytes(statistics));
        return (sampled, leaf, session.Genesis);
    }
}
