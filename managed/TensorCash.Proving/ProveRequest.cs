using TensorCash.Engine.Generation;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// One proof run: generate exactly <see cref="Windows"/> x <see cref="WindowSize"/> tokens from the prompt under the
/// binding. End-of-sequence does not stop a proof run: a transcript carries complete windows only (tier 1 rejects a
/// partial one), and a token after EOS is as costly to produce as any other.
/// </summary>
public sealed record ProveRequest(
    int[] Prompt,
    DecodeParameters Decode,
    ChainBinding Binding,
    PrecisionTag Precision,
    int WindowSize = 64,
    int Windows = 1,
    int EvidenceCount = 64)
{
    public int TotalTokens => checked(WindowSize * Windows);
}

/// <summary>The transcript, the windows it closed (commitment, nonce, eligibility) and the generation timings.</summary>
public sealed record ProveResult(ProofTranscript Transcript, IReadOnlyList<WindowCandidate> Windows, GenerationStats Stats);

/// <summary>
/// A run stopped at the first accepted window: the transcript ends with <see cref="Winner"/>, or, without a winner,
/// holds the complete windows generated before the run ended.
/// </summary>
public sealed record ProveUntilResult(ProofTranscript Transcript, WindowCandidate? Winner, IReadOnlyList<WindowCandidate> Windows, GenerationStats Stats);
