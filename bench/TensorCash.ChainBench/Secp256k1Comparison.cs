using System.Diagnostics;
using System.Security.Cryptography;
using TensorCash.Chain.Crypto;

namespace TensorCash.ChainBench;

/// <summary>
/// ECDSA verifications per second, NBitcoin.Secp256k1 (<see cref="Secp256k1Keys.Verify"/>, what the node runs) against
/// the previous OpenSSL path (<see cref="OpenSslEcdsaReference"/>), in one process on the same signatures: distinct
/// random keys and hashes, strict low-S DER as the script interpreter passes them. The two run in alternating rounds
/// so that load on a shared machine falls on both alike; per implementation the report gives the median round.
/// </summary>
public sealed record Secp256k1Comparison(int Signatures, int Rounds, double NBitcoinMicroseconds, double OpenSslMicroseconds)
{
    public double Ratio => OpenSslMicroseconds / NBitcoinMicroseconds;

    public static Secp256k1Comparison Measure(int signatures, int rounds, Random random, TextWriter progress)
    {
        if (!OpenSslEcdsaReference.IsAvailable)
            throw new PlatformNotSupportedException("this platform's OpenSSL has no secp256k1, so there is no old path to compare against");
        var items = new (byte[] PublicKey, byte[] Hash, byte[] Signature)[signatures];
        for (int i = 0; i < signatures; i++)
        {
            var key = new byte[Secp256k1Keys.PrivateKeySize];
            do random.NextBytes(key);
            while (!Secp256k1Keys.IsValidPrivateKey(key));
            var hash = SHA256.HashData(BitConverter.GetBytes(i));
            items[i] = (Secp256k1Keys.GetPublicKey(key), hash, Secp256k1Keys.Sign(key, hash));
        }

        // Warm-up (JIT, tiered compilation, OpenSSL's curve tables), and both must agree on every signature.
        foreach (var (publicKey, hash, signature) in items)
            if (!Secp256k1Keys.Verify(publicKey, hash, signature) || !OpenSslEcdsaReference.Verify(publicKey, hash, signature))
                throw new InvalidOperationException("a fresh signature does not verify on one of the two paths");

        var nbitcoin = new List<double>();
        var openssl = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            nbitcoin.Add(Time(items, Secp256k1Keys.Verify));
            openssl.Add(Time(items, OpenSslEcdsaReference.Verify));
            progress.WriteLine($"round {round + 1}/{rounds}: NBitcoin.Secp256k1 {nbitcoin[^1]:F1} µs, OpenSSL {openssl[^1]:F1} µs per verification");
        }
        return new Secp256k1Comparison(signatures, rounds, Median(nbitcoin), Median(openssl));
    }

    private delegate bool Verifier(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature);

    /// <summary>Microseconds per verification over all items.</summary>
    private static double Time((byte[] PublicKey, byte[] Hash, byte[] Signature)[] items, Verifier verify)
    {
        long start = Stopwatch.GetTimestamp();
        int valid = 0;
        foreach (var (publicKey, hash, signature) in items)
            if (verify(publicKey, hash, signature)) valid++;
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (valid != items.Length) throw new InvalidOperationException($"{items.Length - valid} signatures failed in a timed round");
        return elapsed.TotalMicroseconds / items.Length;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
