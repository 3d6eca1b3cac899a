namespace TensorCash.Proof.Transcript;

/// <summary>
/// Denial-of-service caps on every length-prefixed field, checked before anything is allocated, so a hostile
/// length cannot make a verifier reserve memory it will never fill.
/// </summary>
public static class TranscriptLimits
{
    /// <summary>Longest prompt: 128 Ki tokens, above the context of the models we run.</summary>
    public const int MaxPromptTokens = 1 << 17;

    /// <summary>Most evidence candidates per step (the sampler's own limit).</summary>
    public const int MaxEvidenceCount = StepEvidence.MaxCandidates;

    /// <summary>Model id length (ContextHash's limit).</summary>
    public const int MaxModelIdBytes = ContextHash.MaxModelIdBytes;
}
