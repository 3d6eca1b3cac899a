using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Tier 3: a self-contained claim that one step of a transcript does not replay (docs/protocol/tier2-replay.md §6).
/// It carries the transcript's identifying header fields, the disputed step's full context (prompt ‖ y_0..y_{t-1}),
/// the committed step and the challenger's recomputed values, so a third party with the model can re-run that one
/// step. <see cref="LeafHash"/> and <see cref="MerklePath"/> are empty until the chain binds a challenge to the
/// committed window root; the fields exist now so the format need not change then.
/// </summary>
public sealed record ReplayChallenge(
    byte[] ModelId,
    PrecisionTag Precision,
    DecodeParameters Decode,
    ChainBinding Binding,
    int WindowSize,
    int EvidenceCount,
    int PromptLength,
    int[] Context,
    RejectReason Reason,
    ComparisonMode Mode,
    TranscriptStep Committed,
    RecomputedStep Recomputed,
    byte[] LeafHash,
    IReadOnlyList<byte[]> MerklePath)
{
    public const ushort FormatVersion = 1;

    /// <summary>The disputed step index t: the context holds the prompt and the t tokens generated before it.</summary>
    public int Step => Context.Length - PromptLength;
}
