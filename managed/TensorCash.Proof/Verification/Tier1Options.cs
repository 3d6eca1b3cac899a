using TensorCash.Proof.Transcript;

namespace TensorCash.Proof.Verification;

/// <summary>A model the verifier knows: its id (the bytes the transcript declares) and its vocabulary size.</summary>
public sealed record KnownModel(byte[] Id, int VocabSize);

/// <summary>The chain state the verifier expects the transcript to be bound to: B, v, T and the precision dt.</summary>
public sealed record ExpectedBinding(ChainBinding Binding, PrecisionTag Precision);

/// <summary>A (window index, proof commitment D_w, nonce) that a block header claims; it must equal the recomputed one.</summary>
public sealed record ClaimedWindow(uint WindowIndex, byte[] ProofCommitment, uint Nonce);

/// <summary>
/// What tier 1 checks the transcript against. <see cref="Expected"/> null skips the binding check (a standalone
/// file check); <see cref="Claim"/> null means the transcript claims every one of its windows, so each must pass
/// the entropy ceiling; with a claim only the claimed window must.
/// </summary>
public sealed record Tier1Options(IReadOnlyList<KnownModel> Models)
{
    public ExpectedBinding? Expected { get; init; }
    public ClaimedWindow? Claim { get; init; }
    public ulong CeilingQ32 { get; init; } = EntropyCeiling.DefaultCeilingQ32;
}

/// <summary>Tier 1's verdict: the rejections (empty = accepted) and the windows it recomputed (empty when replay stopped early).</summary>
public sealed record Tier1Result(IReadOnlyList<Rejection> Rejections, IReadOnlyList<WindowCandidate> Windows)
{
    public bool Accepted => Rejections.Count == 0;

    internal static Tier1Result Rejected(IReadOnlyList<Rejection> rejections) => new(rejections, []);
}
