using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Crypto;

namespace TensorCash.Tests.Chain.Crypto;

/// <summary>Bech32 against BIP173's test vectors (bips/bip-0173.mediawiki, "Test vectors") plus round-trip properties.</summary>
public class Bech32Tests
{
    [TestCase("A12UEL5L")]
    [TestCase("a12uel5l")]
    [TestCase("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs")]
    [TestCase("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")]
    [TestCase("11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j")]
    [TestCase("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")]
    [TestCase("?1ezyfcl")]
    public void Bip173ValidStrings(string text)
    {
        Assert.That(Bech32.TryDecode(text, out var hrp, out var data, out var error), Is.True, error);
        Assert.That(Bech32.Encode(hrp, data), Is.EqualTo(text.ToLowerInvariant()));
    }

    [TestCase("\u00201nwldj5", "outside printable ASCII")]
    [TestCase("\u007F1axkwrx", "outside printable ASCII")]
    [TestCase("\u00801eym55h", "outside printable ASCII")]
    [TestCase("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", "too long")]
    [TestCase("pzry9x0s0muk", "no separator")]
    [TestCase("1pzry9x0s0muk", "empty human-readable part")]
    [TestCase("x1b4n0q5v", "not a bech32 character")]
    [TestCase("li1dgmt3", "shorter than")]
    [TestCase("de1lg7wt\u00FF", "outside printable ASCII")]
    [TestCase("A1G7SGD8", "bad checksum")]
    [TestCase("10a06t8", "empty human-readable part")]
    [TestCase("1qzzfhee", "empty human-readable part")]
    public void Bip173InvalidStrings(string text, string expectedError)
    {
        Assert.That(Bech32.TryDecode(text, out _, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(expectedError));
    }

    [Test]
    public void AnyHrpAndDataRoundTrip()
    {
        var hrp = Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()).ArrayOf().Where(a => a.Length is >= 1 and <= 20).Select(a => new string(a));
        var data = Gen.Choose(0, 31).Select(v => (byte)v).ArrayOf().Where(a => a.Length <= 60);
        Prop.ForAll(hrp.ToArbitrary(), data.ToArbitrary(), (h, d) =>
        {
            var text = Bech32.Encode(h, d);
            return Bech32.TryDecode(text, out var h2, out var d2, out _) && h2 == h && d2.SequenceEqual(d)
                && Bech32.TryDecode(text.ToUpperInvariant(), out _, out _, out _);
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void AnySingleCharacterChangeIsDetected()
    {
        var hash = Gen.Choose(0, 255).Select(v => (byte)v).ArrayOf(20);
        var position = Gen.Choose(0, 1000);
        var replacement = Gen.Elements("qpzry9x8gf2tvdw0s3jn54khce6mua7l".ToCharArray());
        Prop.ForAll(hash.ToArbitrary(), position.ToArbitrary(), replacement.ToArbitrary(), (h, p, c) =>
        {
            var address = Address.Encode(h, "tcrt");
            int index = 5 + p % (address.Length - 5); // a data or checksum character
            if (address[index] == c) return true;
            var changed = address[..index] + c + address[(index + 1)..];
            return !Bech32.TryDecode(changed, out _, out _, out _);
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void ConvertBitsEnforcesBip173PaddingRules()
    {
        Assert.That(Bech32.ConvertBits([0xFF], 8, 5, pad: true), Is.EqualTo(new byte[] { 31, 28 }));
        Assert.That(Bech32.ConvertBits([31, 28], 5, 8, pad: false), Is.EqualTo(new byte[] { 0xFF }));
        Assert.That(Bech32.ConvertBits([31, 29], 5, 8, pad: false), Is.Null, "non-zero padding bits");
        Assert.That(Bech32.ConvertBits([31, 28, 0], 5, 8, pad: false), Is.Null, "a whole extra group of padding");
        Assert.That(Bech32.ConvertBits([32], 5, 8, pad: false), Is.Null, "value wider than 5 bits");
    }
}
