using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace TensorCash.Toolkit.Signatures;

/// <summary>
/// BIP340 Schnorr signatures over secp256k1 for receipts and software quotes: 32-byte secret keys, 32-byte x-only
/// public keys, 64-byte signatures over 32-byte tagged digests.
/// <para>
/// Why secp256k1 and not Ed25519 on the VRF's curve: the payer who co-signs a receipt is a chain wallet, and the
/// chain's keys are secp256k1 (TensorCash.Chain/Crypto), so one key type serves both. The arithmetic comes from
/// NBitcoin.Secp256k1, already a dependency, whose signing is constant-time, unlike our managed edwards25519 code.
/// BIP340 rather than ECDSA: fixed 64-byte signatures with no encoding malleability, and x-only keys (32 bytes) that
/// also serve as node ids. Signing uses BIP340's deterministic nonce with 32 zero bytes of auxiliary randomness, so a
/// receipt's encoding is reproducible (test vectors) and a weak random source can never leak a key.
/// </para>
/// </summary>
public static class SchnorrKeys
{
    public const int SecretKeySize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;
    public const int DigestSize = 32;

    public static byte[] GenerateSecretKey()
    {
        while (true)
        {
            var key = RandomNumberGenerator.GetBytes(SecretKeySize);
            if (ECPrivKey.TryCreate(key, out var parsed)) { parsed.Dispose(); return key; } // 2^-128 of draws are out of range
        }
    }

    public static bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != SecretKeySize || !ECPrivKey.TryCreate(secretKey, out var key)) return false;
        key.Dispose();
        return true;
    }

    public static byte[] PublicKey(ReadOnlySpan<byte> secretKey)
    {
        using var key = Import(secretKey);
        var publicKey = new byte[PublicKeySize];
        key.CreateXOnlyPubKey().WriteToSpan(publicKey);
        return publicKey;
    }

    public static byte[] Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestSize) throw new ArgumentException($"a signed digest is {DigestSize} bytes, not {digest.Length}");
        using var key = Import(secretKey);
        var signature = new byte[SignatureSize];
        key.SignBIP340(digest, new byte[32]).WriteToSpan(signature);
        return signature;
    }

    /// <summary>False for a malformed key or signature as for a wrong one; never throws on hostile bytes.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || digest.Length != DigestSize || signature.Length != SignatureSize) return false;
        if (!ECXOnlyPubKey.TryCreate(publicKey, out var key) || !SecpSchnorrSignature.TryCreate(signature, out var parsed)) return false;
        return key.SigVerifyBIP340(parsed, digest);
    }

    private static ECPrivKey Import(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != SecretKeySize || !ECPrivKey.TryCreate(secretKey, out var key))
            throw new ArgumentException("not a secp256k1 secret key (32 bytes in [1, n-1])");
        return key;
    }
}
