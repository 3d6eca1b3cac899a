using TensorCash.Proof.Transcript;

namespace TensorCash.Proof.Verification;

/// <summary>
/// A model the verifier knows: its id (the bytes the transcript declares), its vocabulary size and, on a chain, the
/// profile its registration pins (null for a standalone file check, which then accepts any valid profile).
/// </summary>
public sealed record KnownModel(byte[] Id, int VocabSize, ProofProfile? Profile = null);

/// <summary>The chain state the verifier expects the transcript to be bound to: B, v, T and the precision dt.</summary>
public sealed record ExpectedBinding(ChainBinding Binding, PrecisionTag Precision);

/// <summary>A (proof commitment D, nonce) that a block header claims; it must equal the recomputed one.</summary>
public sealed record ClaimedWindow(byte[] ProofCommitment, uint Nonce);

/// <summary>
/// What tier 1 checks the transcript against. <see cref="Expected"/> null skips the binding check (a standalone
/// file check); <see cref="Claim"/> null skips the commitment check. The window must pass the entropy ceiling either way.
/// </summary>
public sealed record Tier1Options(IReadOnlyList<KnownModel> Models)
{
    public ExpectedBinding? Expected { get; init; }
    public ClaimedWindow? Claim { get; init; }
}

/// <summary>Tier 1's verdict: the rejections (empty = accepted) and the window it recomputed (null when replay stopped early).</summary>
public sealed record Tier1Result(IReadOnlyList<Rejection> Rejections, WindowCandidate? Window)
{
    public bool Accepted => Rejections.Count == 0;

    internal static Tier1Result Rejected(IReadOnlyList<Rejection> rejections) => new(rejections, null);
}
