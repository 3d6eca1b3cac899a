using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;

namespace TensorCash.Tests.Chain.Crypto;

public class AddressTests
{
    private static readonly byte[] GeneratorKeyHash = Convert.FromHexString("751e76e8199196d454941c45d1b3a323f1433bd6");

    [Test]
    public void Bip173KeyHashAddressDecodesToItsHash160()
    {
        // BIP173's first valid segwit address is a version-0 20-byte program: byte-for-byte the same layout.
        Assert.That(Address.TryDecode("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc", out var hash, out var error), Is.True, error);
        Assert.That(hash, Is.EqualTo(GeneratorKeyHash));
        Assert.That(Address.Encode(GeneratorKeyHash, "bc"), Is.EqualTo("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    }

    // The documented vectors (docs/protocol/chain.md): private key -> compressed public key -> HASH160 -> address,
    // cross-checked once with an independent Python script (affine point arithmetic, hashlib, BIP173's bech32 algorithm).
    [TestCase(1, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "751e76e8199196d454941c45d1b3a323f1433bd6", "tcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7ked4stn")]
    [TestCase(2, "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5", "06afd46bcdfd22ef94ac122aa11f241244a37ecc", "tcrt1qq6hag67dl53wl99vzg42z8eyzfz2xlkvnnykj8")]
    [TestCase(3, "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", "7dd65592d0ab2fe0d0257d571abf032cd9db93dc", "tcrt1q0ht9tyks4vh7p5p904t340cr9nvahy7uyf9lzw")]
    public void RegtestVectorsFromPrivateKeyToAddress(int privateKey, string publicKey, string hash160, string address)
    {
        var pub = Secp256k1Keys.GetPublicKey(Secp256k1Curve.ToScalarBytes(privateKey));
        Assert.That(Convert.ToHexString(pub).ToLowerInvariant(), Is.EqualTo(publicKey));
        var hash = Hash160.Compute(pub);
        Assert.That(Convert.ToHexString(hash).ToLowerInvariant(), Is.EqualTo(hash160));
        Assert.That(Address.Encode(hash, "tcrt"), Is.EqualTo(address));
        Assert.That(Address.TryDecode(address, "tcrt", out var decoded, out var error), Is.True, error);
        Assert.That(decoded, Is.EqualTo(hash));
    }

    [Test]
    public void Bip173InvalidHrpExampleIsTheMainnetAddressOfPrivateKeyOne()
    {
        // BIP173 lists this string as invalid only because "tc" is not a Bitcoin HRP; its checksum is valid.
        Assert.That(Address.TryDecode("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "tc", out var hash, out var error), Is.True, error);
        Assert.That(hash, Is.EqualTo(GeneratorKeyHash));
    }

    [Test]
    public void AddressStandsForPayToPubKeyHash()
    {
        Address.TryDecode(Address.Encode(GeneratorKeyHash, "tc"), "tc", out var hash, out _);
        Assert.That(Convert.ToHexString(ScriptTemplates.PayToPubKeyHash(hash)), Is.EqualTo("76A914751E76E8199196D454941C45D1B3A323F1433BD688AC"));
    }

    [Test]
    public void AddressOfAnotherNetworkIsRejectedByName()
    {
        var mainnet = Address.Encode(GeneratorKeyHash, "tc");
        Assert.That(Address.TryDecode(mainnet, "tcrt", out var hash, out var error), Is.False);
        Assert.That(error, Does.Contain("another network").And.Contain("'tc'").And.Contain("'tcrt'"));
        Assert.That(hash, Is.Empty);
    }

    // BIP173's invalid segwit addresses, read as TensorCash addresses of their own HRP.
    [TestCase("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bc", "bad checksum")]
    [TestCase("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "bc", "version 17")]
    [TestCase("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "bc", "bad length")]
    [TestCase("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "tb", "mixes upper and lower case")]
    [TestCase("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "bc", "version 2")]
    [TestCase("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "tb", "invalid padding")]
    [TestCase("bc1gmk9yu", "bc", "empty data part")]
    // A valid 32-byte version-0 program (BIP173's P2WSH example) is not a key hash.
    [TestCase("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "tb", "bad length")]
    public void InvalidAddressesSayWhy(string address, string hrp, string expectedError)
    {
        Assert.That(Address.TryDecode(address, hrp, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(expectedError));
    }

    [Test]
    public void AnyKeyHashRoundTripsOnEveryNetwork()
    {
        var hash = Gen.Choose(0, 255).Select(v => (byte)v).ArrayOf(20);
        Prop.ForAll(hash.ToArbitrary(), Gen.Elements("tc", "tctest", "tcrt").ToArbitrary(), (h, hrp) =>
            Address.TryDecode(Address.Encode(h, hrp), hrp, out var back, out _) && back.SequenceEqual(h))
            .QuickCheckThrowOnFailure();
    }
}
