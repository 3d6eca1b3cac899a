namespace TensorCash.Proof.Verification;

/// <summary>
/// Machine-readable reasons a verifier rejects a transcript. The numeric values and the snake_case codes
/// (<see cref="RejectReasons.Code"/>) are part of the protocol: CLI output, RPC and challenges carry them.
/// </summary>
public enum RejectReason
{
    // Tier 1: format and deterministic checks
    MalformedEncoding = 100,      // truncated, bad magic/version, trailing bytes, oversized field
    NonCanonicalEncoding = 101,   // a valid-looking but non-canonical byte form
    UnknownModel = 110,           // model id not known to the verifier
    ParameterOutOfRange = 111,    // decode parameters, window size, evidence count
    EvidenceInvalid = 112,        // duplicate ids, ids outside the vocabulary, NaN/Inf, fewer than top-k candidates
    ProfileMismatch = 113,        // a decode setting, K, W, precision, vocabulary, salt, prompt cap or ceiling differs from the pinned profile
    TokenDrawMismatch = 120,      // token != F^-1(u_t) over its evidence
    BindingMismatch = 121,        // B, v, T or dt differ from what the verifier expects
    WindowStructure = 122,        // missing, reordered, truncated or padded windows
    CommitmentMismatch = 123,     // recomputed proof commitment / nonce differs from the claimed one
    EntropyCeiling = 130,         // a claimed window is not eligible (too predictable)
    // Tier 2: statistical replay
    EvidenceLogitMismatch = 200,  // committed top-K logits differ from the replay beyond the envelope
    StatisticsMismatch = 201,     // logsumexp / entropy / sampled probability differ
    SketchMismatch = 202,         // the logit sketch differs (catches changes outside the top-K)
    ReplayFailed = 210,           // the verifier could not run the replay (context too long, ...)
}

public static class RejectReasons
{
    /// <summary>Stable snake_case code, e.g. "token_draw_mismatch".</summary>
    public static string Code(this RejectReason reason) =>
        string.Concat(reason.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>One rejection: the reason, the step or window it concerns (-1 if none), and a human message.</summary>
public sealed record Rejection(RejectReason Reason, int Step, int Window, string Message)
{
    public override string ToString() => $"{Reason.Code()} ({(int)Reason}){(Step >= 0 ? $" at step {Step}" : "")}{(Window >= 0 ? $" in window {Window}" : "")}: {Message}";
}
