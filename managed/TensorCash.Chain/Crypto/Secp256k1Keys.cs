using System.Numerics;
using System.Security.Cryptography;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// secp256k1 keys and ECDSA over 32-byte hashes. Private keys are 32 big-endian bytes in [1, n-1]; public keys are
/// always the 33-byte compressed form; signatures are strict DER with low S. The curve operations run in the
/// BCL's ECDsa (OpenSSL on Linux); everything OpenSSL would be lenient about (DER parsing, high S, point
/// decoding) is checked here first so consensus never depends on the library's leniency.
/// </summary>
public static class Secp256k1Keys
{
    public const int PrivateKeySize = Secp256k1Curve.ScalarSize;
    public const int PublicKeySize = Secp256k1Curve.CompressedPointSize;
    public const int HashSize = 32;

    private static readonly ECCurve Curve = ECCurve.CreateFromFriendlyName("secp256k1");

    /// <summary>A uniformly random private key from the OS CSPRNG.</summary>
    public static byte[] GeneratePrivateKey()
    {
        var key = new byte[PrivateKeySize];
        do RandomNumberGenerator.Fill(key);
        while (!IsValidPrivateKey(key)); // rejection sampling: about 2^-128 of draws fall outside [1, n-1]
        return key;
    }

    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySize) return false;
        var d = new BigInteger(privateKey, isUnsigned: true, isBigEndian: true);
        return d.Sign > 0 && d < Secp256k1Curve.N;
    }

    /// <summary>The compressed public key d*G.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        using var ecdsa = ImportPrivate(privateKey);
        var q = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        return Secp256k1Curve.Compress(q.X, q.Y);
    }

    /// <summary>The encoding rule alone (33 bytes, prefix 0x02 or 0x03); whether the point exists is checked on use.</summary>
    public static bool IsCompressedPublicKeyEncoding(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == PublicKeySize && (publicKey[0] == 0x02 || publicKey[0] == 0x03);

    /// <summary>Signs a 32-byte hash; returns strict DER with s normalised to the low half (s := n - s when s &gt; n/2).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash)
    {
        RequireHash(hash);
        using var ecdsa = ImportPrivate(privateKey);
        Span<byte> rs = stackalloc byte[2 * Secp256k1Curve.ScalarSize];
        if (!ecdsa.TrySignHash(hash, rs, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out int written) || written != rs.Length)
            throw new CryptographicException("ECDSA signing did not produce a 64-byte (r, s) pair");
        var r = new BigInteger(rs[..32], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(rs[32..], isUnsigned: true, isBigEndian: true);
        if (!Secp256k1Curve.IsLowS(s)) s = Secp256k1Curve.N - s; // (r, n-s) is the same signature's other valid form
        return DerSignature.Encode(r, s);
    }

    /// <summary>
    /// True only for a strict-DER, low-S signature with r and s in [1, n-1] by the key of a valid compressed public
    /// key. Never throws on malformed input.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> derSignature)
    {
        if (hash.Length != HashSize) return false;
        if (!DerSignature.TryParse(derSignature, out var r, out var s)) return false;
        if (r.Sign <= 0 || r >= Secp256k1Curve.N || s.Sign <= 0 || !Secp256k1Curve.IsLowS(s)) return false;
        if (!Secp256k1Curve.TryDecompress(publicKey, out var x, out var y)) return false;

        using var ecdsa = ECDsa.Create(new ECParameters { Curve = Curve, Q = new ECPoint { X = x, Y = y } });
        Span<byte> rs = stackalloc byte[2 * Secp256k1Curve.ScalarSize];
        Secp256k1Curve.ToScalarBytes(r).CopyTo(rs);
        Secp256k1Curve.ToScalarBytes(s).CopyTo(rs[32..]);
        return ecdsa.VerifyHash(hash, rs, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ECDsa ImportPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (!IsValidPrivateKey(privateKey)) throw new ArgumentException($"a private key is {PrivateKeySize} big-endian bytes in [1, n-1]", nameof(privateKey));
        return ECDsa.Create(new ECParameters { Curve = Curve, D = privateKey.ToArray() });
    }

    private static void RequireHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashSize) throw new ArgumentException($"ECDSA here signs {HashSize}-byte hashes, got {hash.Length} bytes", nameof(hash));
    }
}
