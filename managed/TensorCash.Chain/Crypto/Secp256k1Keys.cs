using System.Numerics;
using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// secp256k1 keys and ECDSA over 32-byte hashes. Private keys are 32 big-endian bytes in [1, n-1]; public keys are
/// always the 33-byte compressed form; signatures are strict DER with low S.
/// <para>
/// The curve arithmetic is NBitcoin.Secp256k1, a managed port of Bitcoin Core's libsecp256k1. Why this library:
/// it is well kept (it backs NBitcoin and BTCPay Server and follows libsecp256k1's algorithms and test vectors),
/// its signing and key derivation are constant-time, it is several times faster than going through the BCL's ECDsa,
/// and it needs nothing from the platform. The BCL's ECDsa on Linux is OpenSSL, and RHEL/Fedora build OpenSSL without
/// secp256k1, so a node there could neither sign nor verify; consensus must not depend on how a distribution built
/// its OpenSSL.
/// </para>
/// <para>
/// Everything consensus-relevant about the encoding is still decided here, before the library is asked: strict DER
/// (BIP66, <see cref="DerSignature"/>, our own parser), r and s in [1, n-1], low S (BIP62 rule 5) and the compressed
/// key format. The library is given only the fixed 64-byte (r, s) and the 33-byte key, so its own parsers' leniency
/// can never widen what verifies.
/// </para>
/// </summary>
public static class Secp256k1Keys
{
    public const int PrivateKeySize = Secp256k1Curve.ScalarSize;
    public const int PublicKeySize = Secp256k1Curve.CompressedPointSize;
    public const int HashSize = 32;

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
        using var key = ImportPrivate(privateKey);
        var publicKey = new byte[PublicKeySize];
        key.CreatePubKey().WriteToSpan(compressed: true, publicKey, out int written);
        if (written != PublicKeySize) throw new CryptographicException($"secp256k1 wrote a {written}-byte compressed public key");
        return publicKey;
    }

    /// <summary>The encoding rule alone (33 bytes, prefix 0x02 or 0x03); whether the point exists is checked on use.</summary>
    public static bool IsCompressedPublicKeyEncoding(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == PublicKeySize && (publicKey[0] == 0x02 || publicKey[0] == 0x03);

    /// <summary>
    /// Signs a 32-byte hash; returns strict DER with s normalised to the low half (s := n - s when s &gt; n/2).
    /// Every call gives a different signature: the nonce is RFC 6979's, derived from the key and the hash with 32
    /// fresh random bytes as its extra data (a hedged nonce, as libsecp256k1's ndata). The wallet relies on that: it
    /// signs again until the DER has the length it planned the fee for (WalletTransactionBuilder's grinding). The
    /// random bytes only add to RFC 6979's determinism, so a weak CSPRNG cannot leak the key through the nonce.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> hash)
    {
        RequireHash(hash);
        using var key = ImportPrivate(privateKey);
        var nonce = new RFC6979NonceFunction(RandomNumberGenerator.GetBytes(32));
        if (!key.TrySignECDSA(hash, nonce, out var signature) || signature is null)
            throw new CryptographicException("secp256k1 ECDSA signing failed");
        Span<byte> rs = stackalloc byte[2 * Secp256k1Curve.ScalarSize];
        signature.WriteCompactToSpan(rs);
        var r = new BigInteger(rs[..32], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(rs[32..], isUnsigned: true, isBigEndian: true);
        if (!Secp256k1Curve.IsLowS(s)) s = Secp256k1Curve.N - s; // libsecp256k1 already signs low-S; kept as the rule's guard
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
        if (!IsCompressedPublicKeyEncoding(publicKey)) return false;
        // Parses the point and checks it is on the curve (x < p, x^3 + 7 a square); false otherwise.
        if (!ECPubKey.TryCreate(publicKey, Context.Instance, out bool compressed, out var key) || key is null || !compressed) return false;

        Span<byte> rs = stackalloc byte[2 * Secp256k1Curve.ScalarSize];
        Secp256k1Curve.WriteScalar(r, rs[..32]);
        Secp256k1Curve.WriteScalar(s, rs[32..]);
        if (!SecpECDSASignature.TryCreateFromCompact(rs, out var signature) || signature is null) return false;
        return key.SigVerify(signature, hash);
    }

    private static ECPrivKey ImportPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (!IsValidPrivateKey(privateKey)) throw new ArgumentException($"a private key is {PrivateKeySize} big-endian bytes in [1, n-1]", nameof(privateKey));
        return ECPrivKey.Create(privateKey, Context.Instance);
    }

    private static void RequireHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashSize) throw new ArgumentException($"ECDSA here signs {HashSize}-byte hashes, got {hash.Length} bytes", nameof(hash));
    }
}
