using System.Numerics;
using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Chain.Crypto;

namespace TensorCash.Tests.Chain.Crypto;

public class Secp256k1KeysTests
{
    private static byte[] Scalar(BigInteger value) => Secp256k1Curve.ToScalarBytes(value);
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    // Multiples of the generator G from SEC 2 (G itself) and the standard secp256k1 point tables (2G, 3G).
    [TestCase(1, "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798")]
    [TestCase(2, "02C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5")]
    [TestCase(3, "02F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9")]
    public void PublicKeysOfSmallPrivateKeys(int privateKey, string expected)
    {
        Assert.That(Convert.ToHexString(Secp256k1Keys.GetPublicKey(Scalar(privateKey))), Is.EqualTo(expected));
    }

    [Test]
    public void NMinusOneGivesMinusGWithTheOddPrefix()
    {
        var publicKey = Secp256k1Keys.GetPublicKey(Scalar(Secp256k1Curve.N - 1));
        Assert.That(Convert.ToHexString(publicKey), Is.EqualTo("0379BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"));
    }

    [Test]
    public void PrivateKeysOutsideOneToNMinusOneAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Secp256k1Keys.IsValidPrivateKey(Scalar(0)), Is.False);
            Assert.That(Secp256k1Keys.IsValidPrivateKey(Scalar(Secp256k1Curve.N)), Is.False);
            Assert.That(Secp256k1Keys.IsValidPrivateKey(new byte[31]), Is.False);
            Assert.That(Secp256k1Keys.IsValidPrivateKey(Scalar(1)), Is.True);
            Assert.That(Secp256k1Keys.IsValidPrivateKey(Scalar(Secp256k1Curve.N - 1)), Is.True);
        });
        Assert.Throws<ArgumentException>(() => Secp256k1Keys.GetPublicKey(Scalar(Secp256k1Curve.N)));
    }

    [Test]
    public void GeneratedKeysAreValidAndDistinct()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => Secp256k1Keys.GeneratePrivateKey()).ToList();
        Assert.That(keys.All(k => Secp256k1Keys.IsValidPrivateKey(k)), Is.True);
        Assert.That(keys.Select(Convert.ToHexString).Distinct().Count(), Is.EqualTo(keys.Count));
    }

    [Test]
    public void SignVerifyRoundTripWithStrictLowSDer()
    {
        for (int i = 0; i < 16; i++)
        {
            var key = Secp256k1Keys.GeneratePrivateKey();
            var publicKey = Secp256k1Keys.GetPublicKey(key);
            var hash = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = Secp256k1Keys.Sign(key, hash);
            Assert.That(DerSignature.TryParse(signature, out _, out var s), Is.True);
            Assert.That(Secp256k1Curve.IsLowS(s), Is.True);
            Assert.That(Secp256k1Keys.Verify(publicKey, hash, signature), Is.True);
        }
    }

    [Test]
    public void TamperedHashSignatureOrKeyFailsToVerify()
    {
        var key = Secp256k1Keys.GeneratePrivateKey();
        var publicKey = Secp256k1Keys.GetPublicKey(key);
        var hash = SHA256.HashData("tensorcash"u8);
        var signature = Secp256k1Keys.Sign(key, hash);

        var otherHash = (byte[])hash.Clone();
        otherHash[0] ^= 1;
        Assert.That(Secp256k1Keys.Verify(publicKey, otherHash, signature), Is.False);

        var otherSignature = (byte[])signature.Clone();
        otherSignature[^1] ^= 1; // last byte of s
        Assert.That(Secp256k1Keys.Verify(publicKey, hash, otherSignature), Is.False);

        var otherKey = Secp256k1Keys.GetPublicKey(Secp256k1Keys.GeneratePrivateKey());
        Assert.That(Secp256k1Keys.Verify(otherKey, hash, signature), Is.False);
        Assert.That(Secp256k1Keys.Verify(publicKey, hash[..31], signature), Is.False);
    }

    [Test]
    public void HighSTwinOfAValidSignatureIsRejected()
    {
        var key = Secp256k1Keys.GeneratePrivateKey();
        var hash = SHA256.HashData("high s"u8);
        var signature = Secp256k1Keys.Sign(key, hash);
        DerSignature.TryParse(signature, out var r, out var s);
        var highS = DerSignature.Encode(r, Secp256k1Curve.N - s); // mathematically valid, but the other half
        Assert.That(Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(key), hash, highS), Is.False);
    }

    [Test]
    public void NonStrictDerOfAValidSignatureIsRejected()
    {
        var key = Secp256k1Keys.GeneratePrivateKey();
        var hash = SHA256.HashData("padded"u8);
        DerSignature.TryParse(Secp256k1Keys.Sign(key, hash), out var r, out var s);
        var rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
        var sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
        // Same r and s, but r carries a redundant leading zero: BER would accept it, strict DER must not.
        byte[] padded = [0x30, (byte)(5 + rBytes.Length + sBytes.Length), 0x02, (byte)(rBytes.Length + 1), 0x00, .. rBytes, 0x02, (byte)sBytes.Length, .. sBytes];
        Assert.That(Secp256k1Keys.Verify(Secp256k1Keys.GetPublicKey(key), hash, padded), Is.False);
    }

    [Test]
    public void RAndSOutOfRangeAreRejectedWithoutThrowing()
    {
        var publicKey = Secp256k1Keys.GetPublicKey(Scalar(7));
        var hash = new byte[32];
        Assert.That(Secp256k1Keys.Verify(publicKey, hash, DerSignature.Encode(Secp256k1Curve.N, 1)), Is.False);
        Assert.That(Secp256k1Keys.Verify(publicKey, hash, DerSignature.Encode(1, Secp256k1Curve.N + 1)), Is.False);
        Assert.That(Secp256k1Keys.Verify(publicKey, hash, Hex("3006020100020101")), Is.False); // r = 0
    }

    [Test]
    public void TheOtherParityPrefixIsTheNegatedKeyAndDoesNotVerify()
    {
        for (int i = 0; i < 8; i++)
        {
            var key = Secp256k1Keys.GeneratePrivateKey();
            var publicKey = Secp256k1Keys.GetPublicKey(key);
            var hash = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = Secp256k1Keys.Sign(key, hash);
            var negated = Secp256k1Keys.GetPublicKey(Scalar(Secp256k1Curve.N - new BigInteger(key, isUnsigned: true, isBigEndian: true)));
            Assert.That(negated[1..], Is.EqualTo(publicKey[1..]));
            Assert.That(negated[0], Is.EqualTo(publicKey[0] ^ 1)); // -P has the same x and the other y parity
            Assert.That(Secp256k1Keys.Verify(negated, hash, signature), Is.False);
        }
    }

    [Test]
    public void XWithoutACurvePointIsNotAPublicKey()
    {
        // Find the smallest x for which x^3 + 7 is a non-residue (Euler's criterion), i.e. no point has that x.
        var p = Secp256k1Curve.P;
        var x = BigInteger.One;
        while (BigInteger.ModPow((BigInteger.ModPow(x, 3, p) + 7) % p, (p - 1) / 2, p) == 1) x++;
        byte[] key = [0x02, .. Scalar(x)];
        Assert.That(Secp256k1Keys.Verify(key, new byte[32], DerSignature.Encode(1, 1)), Is.False);

        byte[] beyondField = [0x03, .. Scalar(p)]; // x >= p is not a field element
        Assert.That(Secp256k1Keys.Verify(beyondField, new byte[32], DerSignature.Encode(1, 1)), Is.False);
        byte[] wrongPrefix = [0x04, .. Scalar(1)];
        Assert.That(Secp256k1Keys.Verify(wrongPrefix, new byte[32], DerSignature.Encode(1, 1)), Is.False);
    }
}
