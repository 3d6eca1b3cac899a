using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// A fraud proof (tier 3): a self-contained claim that one step of a block's proof does not replay
/// (docs/protocol/tier2-replay.md §6). It carries the proof's model id, pinned profile and binding, the disputed step's
/// context (prompt ‖ y_0..y_{t-1}; the salt is derived), the committed step and the challenger's recomputed values, so
/// anyone with the model re-runs that one step. It is bound to the header's proof commitment D by hashes alone: the
/// step's <see cref="LeafHash"/> (recomputable from the fields above, and covering C_t, so the context cannot be
/// swapped) climbs its <see cref="MerklePath"/> to the window root, and D = H("TSC-PROOF" || G || root) with G
/// recomputed from the header fields. A checker therefore needs neither the block nor trust in the challenger.
/// </summary>
public sealed record ReplayChallenge(
    byte[] ModelId,
    ProofProfile Profile,
    ChainBinding Binding,
    int PromptLength,
    int[] Context,
    RejectReason Reason,
    ComparisonMode Mode,
    TranscriptStep Committed,
    RecomputedStep Recomputed,
    byte[] LeafHash,
    IReadOnlyList<byte[]> MerklePath,
    byte[] ProofCommitment)
{
    public const ushort FormatVersion = 3;

    /// <summary>The disputed step index t: the context holds the prompt and the t tokens generated before it.</summary>
    public int Step => Context.Length - PromptLength;

    /// <summary>What the model is fed for the disputed step: prompt, salt, y_0..y_{t-1}.</summary>
    public int[] ModelContext()
    {
        var salt = ProofSalt.Derive(Binding, Profile.Precision, ContextHash.Initial(ModelId, Context.AsSpan(0, PromptLength)), Profile.SaltTokens, Profile.VocabSize);
        return [.. Context.AsSpan(0, PromptLength), .. salt, .. Context.AsSpan(PromptLength)];
    }
}
