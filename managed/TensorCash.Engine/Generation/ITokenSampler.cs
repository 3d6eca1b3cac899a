namespace TensorCash.Engine.Generation;

/// <summary>
/// Chooses the next token. The generator calls <see cref="Sample"/> exactly once per generated token, in
/// order, with the model's raw fp32 logits for the last position. The span points straight into the
/// buffer the native backend wrote, so a sampler that records evidence (e.g. a proof-of-inference
/// sampler capturing top-K logits) sees exactly what the model produced, and nothing is copied on the way.
/// The span is only valid during the call.
/// </summary>
public interface ITokenSampler
{
    /// <param name="step">0 for the first generated token, then 1, 2, ...</param>
    /// <param name="logits">VocabSize raw logits of the last position.</param>
    /// <param name="context">Prompt followed by every token generated so far (not yet including this one).</param>
    /// <returns>The chosen token id, in [0, logits.Length).</returns>
    int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context);
}
