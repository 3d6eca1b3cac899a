namespace TensorCash.Engine.Generation;

/// <summary>
/// One prompt to continue. Generation stops after <paramref name="MaxTokens"/> tokens or right after
/// sampling any of <paramref name="StopTokens"/> (which is then the last generated token).
/// </summary>
public sealed record GenerationRequest(ReadOnlyMemory<int> Prompt, ITokenSampler Sampler, int MaxTokens, IReadOnlySet<int>? StopTokens = null);

public enum FinishReason
{
    MaxTokens,
    StopToken,
    Cancelled,
}

/// <summary>
/// Timings of one generation. Prefill is the time to the first token (prompt forward passes plus the
/// first sample); decode is the time from the first token to the last, which took
/// <see cref="DecodeTokens"/> = generated - 1 single-token forward passes and samples.
/// </summary>
public sealed record GenerationStats(int PromptTokens, int GeneratedTokens, double PrefillSeconds, double DecodeSeconds)
{
    public int DecodeTokens => Math.Max(GeneratedTokens - 1, 0);
    public double PrefillTokensPerSecond => PrefillSeconds > 0 ? PromptTokens / PrefillSeconds : 0;
    public double DecodeTokensPerSecond => DecodeSeconds > 0 ? DecodeTokens / DecodeSeconds : 0;
}

public sealed record GenerationResult(int[] Tokens, FinishReason FinishReason, GenerationStats Stats);
