namespace TensorCash.Toolkit.Vrf;

/// <summary>Why an ECVRF proof was rejected; each is a distinct step of RFC 9381 §5.3.</summary>
public enum VrfRejectReason
{
    None = 0,
    AlphaTooLong,
    PublicKeyLength,
    /// <summary>string_to_point failed: not a canonical encoding of a curve point.</summary>
    PublicKeyNotAPoint,
    /// <summary>ECVRF_validate_key failed (§5.4.5): cofactor * Y is the identity.</summary>
    PublicKeySmallOrder,
    ProofLength,
    GammaNotAPoint,
    /// <summary>s &gt;= q: a non-canonical scalar, which would make pi malleable.</summary>
    ScalarOutOfRange,
    /// <summary>c differs from the challenge recomputed from U and V: the proof is not for this key and alpha.</summary>
    ChallengeMismatch,
}

/// <summary>The outcome of <see cref="EcVrf.Verify"/>: beta (64 bytes) when valid, else the reason.</summary>
public sealed record VrfVerification(VrfRejectReason Reason, byte[]? Output)
{
    public bool IsValid => Reason == VrfRejectReason.None;

    internal static VrfVerification Accept(byte[] output) => new(VrfRejectReason.None, output);

    internal static VrfVerification Reject(VrfRejectReason reason) => new(reason, null);
}
