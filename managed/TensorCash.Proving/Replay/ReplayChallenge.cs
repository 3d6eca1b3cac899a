using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Tier 3: a self-contained claim that one step of a transcript does not replay (docs/protocol/tier2-replay.md §6).
/// It carries the transcript's identifying header fields, the disputed step's full context (prompt ‖ y_0..y_{t-1}),
/// the committed step and the challenger's recomputed values, so a third party with the model can re-run that one
/// step. It is bound to the proof commitment D (the block header's) by hashes alone: the step's <see cref="LeafHash"/>
/// (recomputable from the fields above), its <see cref="MerklePath"/> to the window root, the digest
/// <see cref="PreviousDigest"/> D_{w-1} before its window, and the roots of every later window
/// (<see cref="LaterWindowRoots"/>), which chain to <see cref="ProofCommitment"/>. A checker therefore needs neither the
/// transcript nor trust in the challenger to know the disputed step is the committed one.
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
    IReadOnlyList<byte[]> MerklePath,
    byte[] PreviousDigest,
    IReadOnlyList<byte[]> LaterWindowRoots,
    byte[] ProofCommitment)
{
    public const ushort FormatVersion = 2;

    /// <summary>The disputed step index t: the context holds the prompt and the t tokens generated before it.</summary>
    public int Step => Context.Length - PromptLength;

    /// <summary>The window w the disputed step belongs to.</summary>
    public int WindowIndex => Step / WindowSize;
}
