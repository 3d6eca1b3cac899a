using TensorCash.Proof.Transcript;

namespace TensorCash.Proof;

/// <summary>
/// Recomputes one step's draw, sampled token and leaf hash from its context alone, without the steps before it:
/// what a third party needs to check that a disputed step is the one a commitment covers. Gives exactly what
/// <see cref="ProofSession"/> computes at that step (same context hash chain, draw, repetition window and sampler).
/// </summary>
public static class IsolatedStep
{
    /// <param name="generatedBefore">y_0..y_{t-1}: the tokens generated before the step; t is their count.</param>
    public static (SampledToken Sampled, byte[] Leaf) Recompute(ChainBinding binding, ReadOnlySpan<byte> modelId, ReadOnlySpan<int> prompt,
        ReadOnlySpan<int> generatedBefore, PrecisionTag precision, DecodeParameters parameters, StepEvidence evidence, StepStatistics statistics)
    {
        var context = ContextHash.Initial(modelId, prompt);
        foreach (int token in generatedBefore) context = ContextHash.Next(context, token);
        uint step = (uint)generatedBefore.Length;
        var draw = DrawFunction.Draw(binding, step, context, precision);
        int[] tokens = [.. prompt, .. generatedBefore];
        var penalized = RepetitionWindow.PenalizedTokens(tokens, parameters.PenaltyLastN);
        var sampled = SamplingDistribution.Build(evidence, parameters, penalized).Sample(draw);
        var leaf = StepLeaf.Hash(step, sampled.TokenId, evidence, sampled.ProbabilityQ32, StatisticsEncoding.ToBytes(statistics));
        return (sampled, leaf);
    }
}
