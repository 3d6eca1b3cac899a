using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Crypto;

namespace TensorCash.Tests.Chain.Crypto;

/// <summary>
/// Secp256k1Keys on NBitcoin.Secp256k1 (issue 12, item 2): published vectors, the rejections consensus relies on, and
/// sign/verify round trips on random keys.
/// </summary>
public class Secp256k1VectorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    // Wycheproof's ECDSA secp256k1/SHA-256 vectors in their Bitcoin flavour (high S is invalid), as shipped by Bitcoin
    // Core's libsecp256k1 in src/wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json; the fixture cites the commit.
    // 162 valid signatures, and 301 invalid ones: BER and broken encodings, r or s out of range or modified, high S,
    // and arithmetic edge cases. Verify must reach every one of those verdicts, no stricter and no looser.
    public static IEnumerable<TestCaseData> WycheproofVectors()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "chain", "wycheproof_ecdsa_secp256k1_bitcoin.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var tests = doc.RootElement.GetProperty("tests").EnumerateArray().ToList();
        if (tests.Count != doc.RootElement.GetProperty("numberOfTests").GetInt32()) throw new InvalidDataException("the Wycheproof fixture is incomplete");
        foreach (var t in tests)
        {
            int id = t.GetProperty("tcId").GetInt32();
            yield return new TestCaseData(t.GetProperty("publicKey").GetString(), t.GetProperty("msg").GetString(),
                    t.GetProperty("sig").GetString(), t.GetProperty("result").GetString() == "valid")
                .SetName($"Wycheproof tcId {id:D3} ({t.GetProperty("result").GetString()}: {t.GetProperty("comment").GetString()})");
        }
    }

    [TestCaseSource(nameof(WycheproofVectors))]
    public void WycheproofBitcoinVectorVerifiesExactlyWhenValid(string publicKey, string message, string signature, bool valid)
    {
        Assert.That(Secp256k1Keys.Verify(Hex(publicKey), SHA256.HashData(Hex(message)), Hex(signature)), Is.EqualTo(valid));
    }

    // Wycheproof tcId 2 (valid) and its neighbours from the same file: tcId 1 is the same (r, s) with s := n - s,
    // tcId 3 the same signature with the sequence length in BER's long form.
    private const string VectorKey = "03b838ff44e5bc177bf21189d0766082fc9d843226887fc9760371100b7ee20a6f";
    private const string VectorKeyUncompressed = "04b838ff44e5bc177bf21189d0766082fc9d843226887fc9760371100b7ee20a6f" +
                                                 "f0c9d75bfba7b31a6bca1974496eeb56de357071955d83c4b1badaa0b21832e9";
    private const string VectorMessage = "313233343030"; // "123400"
    private const string VectorSignature = "3045022100813ef79ccefa9a56f7ba805f0e478584fe5f0dd5f567bc09b5123ccbc9832365" +
                                           "02206ff18a52dcc0336f7af62400a6dd9b810732baf1ff758000d6f613a556eb31ba";
    private const string VectorHighS = "3046022100813ef79ccefa9a56f7ba805f0e478584fe5f0dd5f567bc09b5123ccbc9832365" +
                                       "022100900e75ad233fcc908509dbff5922647db37c21f4afd3203ae8dc4ae7794b0f87";
    private const string VectorBer = "308145022100813ef79ccefa9a56f7ba805f0e478584fe5f0dd5f567bc09b5123ccbc9832365" +
                                     "02206ff18a52dcc0336f7af62400a6dd9b810732baf1ff758000d6f613a556eb31ba";

    private static byte[] VectorHash => SHA256.HashData(Hex(VectorMessage));

    [Test]
    public void KnownVectorVerifies() =>
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), VectorHash, Hex(VectorSignature)), Is.True);

    [Test]
    public void HighSTwinOfTheKnownVectorIsRejected()
    {
        Assert.That(DerSignature.TryParse(Hex(VectorHighS), out _, out var s), Is.True);
        Assert.That(Secp256k1Curve.IsLowS(s), Is.False);
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), VectorHash, Hex(VectorHighS)), Is.False);
    }

    [Test]
    public void NonDerEncodingsOfTheKnownVectorAreRejected()
    {
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), VectorHash, Hex(VectorBer)), Is.False);
        // r with a redundant leading zero (BIP66: not minimal), and the 64-byte compact (r, s) that is not DER at all.
        DerSignature.TryParse(Hex(VectorSignature), out var r, out var s);
        var rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
        var sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
        byte[] padded = [0x30, (byte)(5 + rBytes.Length + sBytes.Length), 0x02, (byte)(rBytes.Length + 1), 0x00, .. rBytes, 0x02, (byte)sBytes.Length, .. sBytes];
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), VectorHash, padded), Is.False);
        byte[] compact = [.. Secp256k1Curve.ToScalarBytes(r), .. Secp256k1Curve.ToScalarBytes(s)];
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), VectorHash, compact), Is.False);
    }

    [Test]
    public void TheKnownVectorFailsUnderAWrongKey()
    {
        Assert.That(Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(Secp256k1Keys.GeneratePrivateKey()), VectorHash, Hex(VectorSignature)), Is.False);
        var otherParity = Hex(VectorKey);
        otherParity[0] ^= 1; // 0x02: the negated point
        Assert.That(Secp256k1Keys.Verify(otherParity, VectorHash, Hex(VectorSignature)), Is.False);
    }

    [Test]
    public void TheKnownVectorFailsOnATamperedMessage()
    {
        var message = Hex(VectorMessage);
        message[^1] ^= 1;
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), SHA256.HashData(message), Hex(VectorSignature)), Is.False);
        var hash = VectorHash;
        hash[31] ^= 0x80;
        Assert.That(Secp256k1Keys.Verify(Hex(VectorKey), hash, Hex(VectorSignature)), Is.False);
    }

    [Test]
    public void OnlyCompressedKeysAreAccepted()
    {
        // The interpreter's PUBKEYTYPE rule (ScriptInterpreter.CheckPublicKeyEncoding) allows 33-byte 0x02/0x03 keys
        // only; Verify holds the same line even for the same point written uncompressed (0x04) or hybrid (0x06/0x07).
        var uncompressed = Hex(VectorKeyUncompressed);
        Assert.That(Secp256k1Keys.Verify(uncompressed, VectorHash, Hex(VectorSignature)), Is.False);
        var hybrid = (byte[])uncompressed.Clone();
        hybrid[0] = (byte)(0x06 | (uncompressed[^1] & 1));
        Assert.That(Secp256k1Keys.Verify(hybrid, VectorHash, Hex(VectorSignature)), Is.False);
        Assert.That(Secp256k1Keys.IsCompressedPublicKeyEncoding(uncompressed), Is.False);
    }

    [Test]
    public void SigningTwiceGivesDifferentSignaturesThatBothVerify()
    {
        // The wallet grinds for a signature of its planned length by signing again (WalletTransactionBuilder), which
        // works only if every call draws a new nonce.
        var key = Secp256k1Keys.GeneratePrivateKey();
        var publicKey = Secp256k1Keys.GetPublicKey(key);
        var hash = SHA256.HashData("grind"u8);
        var signatures = Enumerable.Range(0, 16).Select(_ => Secp256k1Keys.Sign(key, hash)).ToList();
        Assert.That(signatures.Select(Convert.ToHexString).Distinct().Count(), Is.EqualTo(signatures.Count));
        Assert.That(signatures.All(sig => Secp256k1Keys.Verify(publicKey, hash, sig)), Is.True);
        // A low-S signature's s needs no sign byte, so strict DER is at most 71 bytes (TransactionCost's bound).
        Assert.That(signatures.All(sig => sig.Length <= DerSignature.MaxSize - 1), Is.True, "low-S DER is at most 71 bytes");
    }

    private static Arbitrary<byte[]> PrivateKeys() =>
        Gen.Choose(0, 255).ArrayOf(Secp256k1Keys.PrivateKeySize).Select(b => b.Select(x => (byte)x).ToArray())
            .Where(k => Secp256k1Keys.IsValidPrivateKey(k)).ToArbitrary();

    private static Arbitrary<byte[]> Hashes() =>
        Gen.Choose(0, 255).ArrayOf(Secp256k1Keys.HashSize).Select(b => b.Select(x => (byte)x).ToArray()).ToArbitrary();

    [Test]
    public void SignThenVerifyRoundTripsForRandomKeysAndHashes()
    {
        Prop.ForAll(PrivateKeys(), Hashes(), (key, hash) =>
        {
            var publicKey = Secp256k1Keys.GetPublicKey(key);
            var signature = Secp256k1Keys.Sign(key, hash);
            return DerSignature.IsStrict(signature) && DerSignature.TryParse(signature, out _, out var s) && Secp256k1Curve.IsLowS(s)
                   && Secp256k1Keys.IsCompressedPublicKeyEncoding(publicKey) && Secp256k1Keys.Verify(publicKey, hash, signature);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Test]
    public void RandomSignaturesFailOnAnyFlippedHashBitAndUnderAnyOtherKey()
    {
        var keyPairs = PrivateKeys().Generator.Two().ToArbitrary();
        Prop.ForAll(keyPairs, Hashes(), Gen.Choose(0, 255).ToArbitrary(), (keys, hash, bit) =>
        {
            var (key, otherKey) = keys;
            var signature = Secp256k1Keys.Sign(key, hash);
            var tampered = (byte[])hash.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            bool otherKeyFails = key.AsSpan().SequenceEqual(otherKey) || !Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(otherKey), hash, signature);
            return !Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(key), tampered, signature) && otherKeyFails;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Test]
    public void TheHighSTwinOfAnyRandomSignatureIsRejected()
    {
        Prop.ForAll(PrivateKeys(), Hashes(), (key, hash) =>
        {
            DerSignature.TryParse(Secp256k1Keys.Sign(key, hash), out var r, out var s);
            var highS = DerSignature.Encode(r, Secp256k1Curve.N - s);
            return !Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(key), hash, highS);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }
}
