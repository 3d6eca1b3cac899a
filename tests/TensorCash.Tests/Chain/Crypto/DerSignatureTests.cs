using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Crypto;

namespace TensorCash.Tests.Chain.Crypto;

public class DerSignatureTests
{
    // Bitcoin Core's strict-DER script tests (src/test/data/script_tests.json, "Increase DERSIG test coverage"),
    // each a signature with its trailing hash-type byte that BIP66's IsValidSignatureEncoding rejects.
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", TestName = "Overly long signature")]
    [TestCase("30220220000000000000000000000000000000000000000000000000000000000000000000", TestName = "Missing S")]
    [TestCase("3024021077777777777777777777777777777777020a7777777777777777777777777777777701", TestName = "S with invalid S length")]
    [TestCase("302403107777777777777777777777777777777702107777777777777777777777777777777701", TestName = "Non-integer R")]
    [TestCase("302402107777777777777777777777777777777703107777777777777777777777777777777701", TestName = "Non-integer S")]
    [TestCase("3014020002107777777777777777777777777777777701", TestName = "Zero-length R")]
    [TestCase("3014021077777777777777777777777777777777020001", TestName = "Zero-length S")]
    [TestCase("302402107777777777777777777777777777777702108777777777777777777777777777777701", TestName = "Negative S")]
    public void CoreInvalidDerVectors(string signatureWithHashType)
    {
        var der = Convert.FromHexString(signatureWithHashType)[..^1];
        Assert.That(DerSignature.IsStrict(der), Is.False);
        Assert.That(DerSignature.TryParse(der, out _, out _), Is.False);
    }

    [Test]
    public void CoreValidDerVector()
    {
        // A validly encoded signature from the same file's CHECKMULTISIG evaluation-order tests.
        var der = Convert.FromHexString("3044022044dc17b0887c161bb67ba9635bf758735bdde503e4b0a0987f587f14a4e1143d022009a215772d49a85dae40d8ca03955af26ad3978a0ff965faa12915e9586249a5");
        Assert.That(DerSignature.TryParse(der, out var r, out var s), Is.True);
        Assert.That(r.ToString("x"), Is.EqualTo("44dc17b0887c161bb67ba9635bf758735bdde503e4b0a0987f587f14a4e1143d"));
        Assert.That(Secp256k1Curve.IsLowS(s), Is.True);
    }

    [TestCase("3006028100020101", TestName = "BER long-form R length")]
    [TestCase("300702020001020101", TestName = "R with a redundant zero byte")]
    [TestCase("3006020101020101ff", TestName = "Trailing garbage")]
    [TestCase("3007020101020101", TestName = "Sequence length too long")]
    [TestCase("3106020101020101", TestName = "Not a sequence")]
    public void HandWrittenNonCanonicalEncodings(string hex)
    {
        Assert.That(DerSignature.IsStrict(Convert.FromHexString(hex)), Is.False);
    }

    [Test]
    public void SignGuardZeroIsAllowedOnlyWhenNeeded()
    {
        Assert.That(DerSignature.IsStrict(Convert.FromHexString("300702020080020101")), Is.True);  // 0x0080: zero needed
        Assert.That(DerSignature.IsStrict(Convert.FromHexString("300602017f020101")), Is.True);
        Assert.That(DerSignature.IsStrict(Convert.FromHexString("3006020180020101")), Is.False);   // 0x80 alone is negative
    }

    [Test]
    public void EncodeThenParseRoundTripsAnyPositivePair()
    {
        var scalar = Gen.Choose(0, 255).ArrayOf(32).Select(b => new BigInteger(b.Select(x => (byte)x).ToArray(), isUnsigned: true, isBigEndian: true))
            .Where(v => v.Sign > 0);
        Prop.ForAll(scalar.Two().ToArbitrary(), pair =>
        {
            var der = DerSignature.Encode(pair.Item1, pair.Item2);
            return der.Length <= DerSignature.MaxSize && DerSignature.TryParse(der, out var r, out var s) && r == pair.Item1 && s == pair.Item2;
        }).QuickCheckThrowOnFailure();
    }
}
