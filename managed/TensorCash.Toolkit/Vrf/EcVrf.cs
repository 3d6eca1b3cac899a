using System.Numerics;
using System.Security.Cryptography;

namespace TensorCash.Toolkit.Vrf;

/// <summary>
/// ECVRF-EDWARDS25519-SHA512-TAI of RFC 9381 (suite_string 0x03): prove (§5.1), proof-to-hash (§5.2) and verify (§5.3)
/// with try-and-increment encode-to-curve (§5.4.1.1), RFC 8032-style nonce generation (§5.4.2.2) and the challenge of
/// §5.4.3. A proof pi = Gamma (32) || c (16) || s (32) is 80 bytes; the output beta is 64 bytes.
/// <para>
/// Choices the RFC leaves open: validate_key is TRUE (verification rejects a public key of small order, §5.4.5, which
/// the RFC requires for full uniqueness and collision resistance), and string_to_point rejects every non-canonical
/// encoding (y &gt;= p, or x = 0 with the sign bit set) of the public key, of Gamma and of each try-and-increment candidate.
/// Gamma is not checked for small order: the RFC does not ask for it, an honest Gamma = x*H never has it, and
/// proof-to-hash multiplies Gamma by the cofactor anyway.
/// </para>
/// <para>The arithmetic is not constant-time (<see cref="EdwardsPoint"/>); keep provers off shared machines.</para>
/// </summary>
public static class EcVrf
{
    public const int SecretKeySize = 32;
    public const int PublicKeySize = 32;
    public const int ProofSize = 80;
    public const int OutputSize = 64;

    /// <summary>A DoS bound on alpha; the RFC has none, but nothing here needs more (selection inputs are under 100 bytes).</summary>
    public const int MaxAlphaBytes = 1 << 16;

    private const byte SuiteString = 0x03;
    private const int ChallengeSize = 16;
    private const int ScalarSize = 32;

    /// <summary>The public key Y = x*B encoded (RFC 8032 §5.1.5), x the clamped first half of SHA-512(SK).</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> secretKey) => EdwardsPoint.Base.Multiply(SecretScalar(secretKey)).Encode();

    /// <summary>The 80-byte proof pi for alpha under the secret key (§5.1). Deterministic: same key and alpha, same pi.</summary>
    public static byte[] Prove(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> alpha)
    {
        RequireAlpha(alpha);
        var x = SecretScalar(secretKey);
        var publicKey = EdwardsPoint.Base.Multiply(x).Encode();
        var h = EncodeToCurve(publicKey, alpha);
        var hString = h.Encode();
        var gamma = h.Multiply(x);
        var k = Nonce(secretKey, hString);
        var c = Challenge(publicKey, hString, gamma.Encode(), EdwardsPoint.Base.Multiply(k).Encode(), h.Multiply(k).Encode());
        var s = (k + c * x) % EdwardsPoint.Order;
        var pi = new byte[ProofSize];
        gamma.Encode().CopyTo(pi, 0);
        c.TryWriteBytes(pi.AsSpan(32, ChallengeSize), out _, isUnsigned: true, isBigEndian: false);
        s.TryWriteBytes(pi.AsSpan(32 + ChallengeSize, ScalarSize), out _, isUnsigned: true, isBigEndian: false);
        return pi;
    }

    /// <summary>
    /// beta = SHA-512(0x03 || 0x03 || cofactor*Gamma || 0x00) (§5.2). Only meaningful for a proof that verified: it
    /// checks nothing but Gamma's encoding, and returns null if that is invalid.
    /// </summary>
    public static byte[]? ProofToHash(ReadOnlySpan<byte> proof)
    {
        if (proof.Length != ProofSize) return null;
        var gamma = EdwardsPoint.Decode(proof[..32]);
        return gamma is null ? null : HashGamma(gamma.Value);
    }

    /// <summary>§5.3 with validate_key = TRUE: VALID and beta, or the first reason the proof fails.</summary>
    public static VrfVerification Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> proof)
    {
        if (alpha.Length > MaxAlphaBytes) return VrfVerification.Reject(VrfRejectReason.AlphaTooLong);
        if (publicKey.Length != PublicKeySize) return VrfVerification.Reject(VrfRejectReason.PublicKeyLength);
        var y = EdwardsPoint.Decode(publicKey);
        if (y is null) return VrfVerification.Reject(VrfRejectReason.PublicKeyNotAPoint);
        if (y.Value.HasSmallOrder) return VrfVerification.Reject(VrfRejectReason.PublicKeySmallOrder);
        if (proof.Length != ProofSize) return VrfVerification.Reject(VrfRejectReason.ProofLength);
        var gamma = EdwardsPoint.Decode(proof[..32]);
        if (gamma is null) return VrfVerification.Reject(VrfRejectReason.GammaNotAPoint);
        var c = new BigInteger(proof.Slice(32, ChallengeSize), isUnsigned: true, isBigEndian: false);
        var s = new BigInteger(proof.Slice(32 + ChallengeSize, ScalarSize), isUnsigned: true, isBigEndian: false);
        if (s >= EdwardsPoint.Order) return VrfVerification.Reject(VrfRejectReason.ScalarOutOfRange);

        var h = EncodeToCurve(publicKey, alpha);
        // U = s*B - c*Y, V = s*H - c*Gamma
        var u = EdwardsPoint.Base.Multiply(s).Add(y.Value.Multiply(c).Negate());
        var v = h.Multiply(s).Add(gamma.Value.Multiply(c).Negate());
        var expected = Challenge(publicKey, h.Encode(), proof[..32], u.Encode(), v.Encode());
        return expected == c ? VrfVerification.Accept(HashGamma(gamma.Value)) : VrfVerification.Reject(VrfRejectReason.ChallengeMismatch);
    }

    /// <summary>A new secret key from the OS CSPRNG (any 32 bytes are a valid RFC 8032 secret key).</summary>
    public static byte[] GenerateSecretKey() => RandomNumberGenerator.GetBytes(SecretKeySize);

    internal static BigInteger SecretScalar(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != SecretKeySize) throw new ArgumentException($"a VRF secret key is {SecretKeySize} bytes, not {secretKey.Length}");
        var h = SHA512.HashData(secretKey);
        h[0] &= 0xF8;
        h[31] &= 0x7F;
        h[31] |= 0x40;
        return new BigInteger(h.AsSpan(0, 32), isUnsigned: true, isBigEndian: false);
    }

    /// <summary>
    /// §5.4.1.1 with encode_to_curve_salt = PK_string: SHA-512(0x03 || 0x01 || PK || alpha || ctr || 0x00), its first 32
    /// bytes decoded as a point and multiplied by the cofactor, for ctr = 0, 1, ... until that is a point other than
    /// the identity. About half of all strings decode, so ctr 255 is never reached in practice (probability 2^-256).
    /// </summary>
    internal static EdwardsPoint EncodeToCurve(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha)
    {
        var input = new byte[2 + publicKey.Length + alpha.Length + 2];
        input[0] = SuiteString;
        input[1] = 0x01;
        publicKey.CopyTo(input.AsSpan(2));
        alpha.CopyTo(input.AsSpan(2 + publicKey.Length));
        for (int ctr = 0; ctr <= byte.MaxValue; ctr++)
        {
            input[^2] = (byte)ctr;
            var candidate = EdwardsPoint.Decode(SHA512.HashData(input).AsSpan(0, 32));
            if (candidate is null) continue;
            var h = candidate.Value.MultiplyByCofactor();
            if (!h.IsIdentity) return h;
        }
        throw new CryptographicException("ECVRF encode-to-curve found no point in 256 tries");
    }

    /// <summary>§5.4.2.2: k = SHA-512(SHA-512(SK)[32..64] || H) mod q.</summary>
    internal static BigInteger Nonce(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> hString)
    {
        var prefix = SHA512.HashData(secretKey).AsSpan(32, 32);
        var k = SHA512.HashData([.. prefix, .. hString]);
        return new BigInteger(k, isUnsigned: true, isBigEndian: false) % EdwardsPoint.Order;
    }

    /// <summary>§5.4.3: the first 16 bytes of SHA-512(0x03 || 0x02 || Y || H || Gamma || U || V || 0x00), little-endian.</summary>
    internal static BigInteger Challenge(ReadOnlySpan<byte> y, ReadOnlySpan<byte> h, ReadOnlySpan<byte> gamma, ReadOnlySpan<byte> u, ReadOnlySpan<byte> v)
    {
        var digest = SHA512.HashData([SuiteString, 0x02, .. y, .. h, .. gamma, .. u, .. v, 0x00]);
        return new BigInteger(digest.AsSpan(0, ChallengeSize), isUnsigned: true, isBigEndian: false);
    }

    private static byte[] HashGamma(EdwardsPoint gamma) => SHA512.HashData([SuiteString, 0x03, .. gamma.MultiplyByCofactor().Encode(), 0x00]);

    private static void RequireAlpha(ReadOnlySpan<byte> alpha)
    {
        if (alpha.Length > MaxAlphaBytes) throw new ArgumentException($"alpha is {alpha.Length} bytes; the limit is {MaxAlphaBytes}");
    }
}
