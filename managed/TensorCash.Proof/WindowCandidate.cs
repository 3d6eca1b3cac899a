namespace TensorCash.Proof;

/// <summary>
/// What a completed window offers the block header: the proof commitment D_w and the nonce derived from it, plus
/// whether the window passed the entropy ceiling (an ineligible window still extends the chain of digests).
/// </summary>
public sealed record WindowCandidate(uint WindowIndex, byte[] WindowRoot, byte[] ProofCommitment, uint Nonce, bool Eligible);
