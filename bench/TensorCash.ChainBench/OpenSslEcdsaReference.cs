using System.Numerics;
using System.Security.Cryptography;
using TensorCash.Chain.Crypto;

namespace TensorCash.ChainBench;

/// <summary>
/// The verification path the node used before NBitcoin.Secp256k1 (issue 12, item 2), kept here only so the benchmark
/// can put the two side by side in one run: the same strict-DER / range / low-S checks, then the compressed key
/// decompressed in BigInteger code and the ECDSA check run by the BCL's ECDsa, which is OpenSSL on Linux. Nothing in
/// the node uses it. <see cref="IsAvailable"/> is false where the platform's OpenSSL has no secp256k1 (RHEL, Fedora).
/// </summary>
public static class OpenSslEcdsaReference
{
    private static readonly BigInteger SqrtExponent = (Secp256k1Curve.P + 1) >> 2; // p = 3 (mod 4)

    public static bool IsAvailable { get; } = Probe();

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> derSignature)
    {
        if (hash.Length != Secp256k1Keys.HashSize) return false;
        if (!DerSignature.TryParse(derSignature, out var r, out var s)) return false;
        if (r.Sign <= 0 || r >= Secp256k1Curve.N || s.Sign <= 0 || !Secp256k1Curve.IsLowS(s)) return false;
        if (!TryDecompress(publicKey, out var x, out var y)) return false;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.CreateFromFriendlyName("secp256k1"),
            Q = new ECPoint { X = x, Y = y },
        });
        byte[] rs = [.. Secp256k1Curve.ToScalarBytes(r), .. Secp256k1Curve.ToScalarBytes(s)];
        return ecdsa.VerifyHash(hash, rs, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static bool TryDecompress(ReadOnlySpan<byte> compressed, out byte[] x, out byte[] y)
    {
        x = y = [];
        var p = Secp256k1Curve.P;
        if (!Secp256k1Keys.IsCompressedPublicKeyEncoding(compressed)) return false;
        var xValue = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        if (xValue >= p) return false;
        var ySquared = (BigInteger.ModPow(xValue, 3, p) + 7) % p;
        var yValue = BigInteger.ModPow(ySquared, SqrtExponent, p);
        if (yValue * yValue % p != ySquared) return false;
        bool wantOdd = compressed[0] == 0x03;
        if (!yValue.IsEven != wantOdd) yValue = (p - yValue) % p;
        if (!yValue.IsEven != wantOdd) return false;
        x = Secp256k1Curve.ToScalarBytes(xValue);
        y = Secp256k1Curve.ToScalarBytes(yValue);
        return true;
    }

    private static bool Probe()
    {
        try
        {
            using var ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
            return true;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
