namespace TensorCash.Proof.Transcript;

/// <summary>
/// Per-step summary statistics and the logit sketch, as the miner computed them from the full fp32 logits.
/// They are committed (inside the leaf hash) but not recomputed in tier 1: tier 2 compares them with a replay.
/// Stored as raw IEEE-754 bits so the consensus code never computes with them.
/// </summary>
/// <param name="LogSumExpBits">log(sum_v exp(l_v)) over the full vocabulary (fp32 bits).</param>
/// <param name="EntropyBits">Entropy in nats of softmax(l) over the full vocabulary (fp32 bits).</param>
/// <param name="SampledProbabilityBits">softmax(l)[y_t] at temperature 1 (fp32 bits).</param>
/// <param name="SketchBits">The logit sketch, <see cref="SketchLength"/> fp32 values (see docs/protocol/proof-of-inference.md).</param>
public sealed record StepStatistics(uint LogSumExpBits, uint EntropyBits, uint SampledProbabilityBits, uint[] SketchBits)
{
    public const int SketchLength = 16;
}

/// <summary>One generated token with the evidence the sampler saw.</summary>
public sealed record TranscriptStep(int Token, StepEvidence Evidence, StepStatistics Statistics);

/// <summary>
/// Everything a proof declares up front: the model, its pinned <see cref="ProofProfile"/>, the chain binding and the
/// prompt (at most the profile's cap; the salt is derived, not stored). <see cref="ModelId"/> is 1..255 bytes (see ContextHash).
/// </summary>
public sealed record TranscriptHeader(byte[] ModelId, ProofProfile Profile, ChainBinding Binding, int[] Prompt)
{
    public PrecisionTag Precision => Profile.Precision;
    public DecodeParameters Decode => Profile.Decode;
    public int WindowSize => Profile.WindowSize;
    public int EvidenceCount => Profile.EvidenceCount;
}

/// <summary>
/// A proof-of-inference transcript: header plus the W generated steps of its one window. The window root, the
/// commitment and the nonce are NOT stored: they are functions of the steps, recomputed by every verifier.
/// </summary>
public sealed record ProofTranscript(TranscriptHeader Header, IReadOnlyList<TranscriptStep> Steps)
{
    /// <summary>Version of the binary encoding (TranscriptCodec). Version 2: one window, pinned profile, salt, delta-coded ids.</summary>
    public const ushort FormatVersion = 2;
}
