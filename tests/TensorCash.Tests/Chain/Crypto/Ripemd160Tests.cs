using System.Text;
using NUnit.Framework;
using TensorCash.Chain.Crypto;

namespace TensorCash.Tests.Chain.Crypto;

public class Ripemd160Tests
{
    // The test vectors from the RIPEMD-160 page of its authors:
    // https://homes.esat.kuleuven.be/~bosselae/ripemd160.html ("RIPEMD-160: test vectors").
    [TestCase("", "9c1185a5c5e9fc54612808977ee8f548b2258d31")]
    [TestCase("a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe")]
    [TestCase("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")]
    [TestCase("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36")]
    [TestCase("abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc")]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b")]
    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189")]
    public void OfficialVectors(string message, string expected)
    {
        Assert.That(Hex(Ripemd160.Hash(Encoding.ASCII.GetBytes(message))), Is.EqualTo(expected));
    }

    [Test]
    public void OfficialVectorEightTimes1234567890()
    {
        var message = string.Concat(Enumerable.Repeat("1234567890", 8));
        Assert.That(Hex(Ripemd160.Hash(Encoding.ASCII.GetBytes(message))), Is.EqualTo("9b752e45573d4b39f4dbd3323cab82bf63326bfb"));
    }

    [Test]
    public void OfficialVectorOneMillionA()
    {
        var message = new byte[1_000_000];
        Array.Fill(message, (byte)'a');
        Assert.That(Hex(Ripemd160.Hash(message)), Is.EqualTo("52783243c1697bdbe16d37f97f68f08325dc1528"));
    }

    [Test]
    public void Hash160IsRipemdOfSha256()
    {
        // Bitcoin's well-known HASH160 of the compressed generator point (private key 1), as in BIP173's example.
        var g = Convert.FromHexString("0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798");
        Assert.That(Hex(Hash160.Compute(g)), Is.EqualTo("751e76e8199196d454941c45d1b3a323f1433bd6"));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
