using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>A third party's ruling on a challenge: confirmed when its own replay finds the claimed mismatch.</summary>
public sealed record ChallengeVerdict(bool Confirmed, RejectReason Reason, string Message);
