using System.Diagnostics;
using System.Security.Cryptography;
using TensorCash.Chain.Crypto;

namespace TensorCash.ChainBench;

/// <summary>
/// Median cost of one secp256k1 signature and one verification (Secp256k1Keys, OpenSSL underneath), to read the
/// ledger numbers against; the verification is also taken apart into the steps Secp256k1Keys.Verify performs
/// (decompressing the public key in managed BigInteger code, importing it into OpenSSL, the ECDSA check itself), to
/// show where a faster implementation would gain.
/// </summary>
public sealed record EcdsaCost(double SignMilliseconds, double VerifyMilliseconds, double DecompressMilliseconds,
    double ImportMilliseconds, double VerifyHashMilliseconds)
{
    private static readonly ECCurve Curve = ECCurve.CreateFromFriendlyName("secp256k1");

    public static EcdsaCost Measure(int repetitions, Random random)
    {
        var key = new byte[Secp256k1Keys.PrivateKeySize];
        do random.NextBytes(key);
        while (!Secp256k1Keys.IsValidPrivateKey(key));
        var publicKey = Secp256k1Keys.GetPublicKey(key);
        var hash = new byte[Secp256k1Keys.HashSize];
        random.NextBytes(hash);

        PhaseTimings sign = new("sign"), verify = new("verify"), decompress = new("decompress"), import = new("import"), verifyHash = new("verify hash");
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var signature = Secp256k1Keys.Sign(key, hash);
            sign.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            bool valid = Secp256k1Keys.Verify(publicKey, hash, signature);
            verify.Add(Stopwatch.GetElapsedTime(start));
            if (!valid) throw new InvalidOperationException("a fresh signature does not verify");

            start = Stopwatch.GetTimestamp();
            if (!Secp256k1Curve.TryDecompress(publicKey, out var x, out var y)) throw new InvalidOperationException("a derived public key does not decompress");
            decompress.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = Curve, Q = new ECPoint { X = x, Y = y } });
            import.Add(Stopwatch.GetElapsedTime(start));
            if (!DerSignature.TryParse(signature, out var r, out var s)) throw new InvalidOperationException("a fresh signature is not strict DER");
            byte[] fixedSignature = [.. Secp256k1Curve.ToScalarBytes(r), .. Secp256k1Curve.ToScalarBytes(s)];
            start = Stopwatch.GetTimestamp();
            valid = ecdsa.VerifyHash(hash, fixedSignature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            verifyHash.Add(Stopwatch.GetElapsedTime(start));
            if (!valid) throw new InvalidOperationException("OpenSSL does not verify its own signature");
        }
        return new EcdsaCost(sign.Median(), verify.Median(), decompress.Median(), import.Median(), verifyHash.Median());
    }
}
