namespace TensorCash.Proof;

/// <summary>
/// What a completed proof window offers the block header: the proof commitment D and the nonce derived from it, whether
/// the window passed the entropy ceiling, and the logit-free path digest a tolerant audit vouches for.
/// </summary>
public sealed record WindowCandidate(byte[] WindowRoot, byte[] ProofCommitment, uint Nonce, bool Eligible, byte[] PathDigest);
