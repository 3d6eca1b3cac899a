using NUnit.Framework;
using TensorCash.Toolkit.Vrf;

namespace TensorCash.Tests.Toolkit;

public class EcVrfTests
{
    /// <summary>
    /// RFC 9381, Appendix B.3 "ECVRF-EDWARDS25519-SHA512-TAI", Examples 16, 17 and 18, with every intermediate value the
    /// appendix lists (x, the try-and-increment counter, H, k, U = k*B, V = k*H, pi, beta).
    /// Source: https://www.rfc-editor.org/rfc/rfc9381#appendix-B.3
    /// </summary>
    public sealed record Rfc9381Vector(string Name, string Sk, string Pk, string Alpha, string X, int Ctr, string H, string K, string U, string V, string Pi, string Beta);

    public static readonly Rfc9381Vector[] Vectors =
    [
        new("Example 16",
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f", 0,
            "91bbed02a99461df1ad4c6564a5f5d829d0b90cfc7903e7a5797bd658abf3318",
            "7100f3d9eadb6dc4743b029736ff283f5be494128df128df2817106f345b8594b6d6da2d6fb0b4c0257eb337675d96eab49cf39e66cc2c9547c2bf8b2a6afae4",
            "aef27c725be964c6a9bf4c45ca8e35df258c1878b838f37d9975523f09034071",
            "5016572f71466c646c119443455d6cb9b952f07d060ec8286d678615d55f954f",
            "8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d9727d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805",
            "90cf1df3b703cce59e2a35b925d411164068269d7b2d29f3301c03dd757876ff66b71dda49d2de59d03450451af026798e8f81cd2e333de5cdf4f3e140fdd8ae"),
        new("Example 17",
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "68bd9ed75882d52815a97585caf4790a7f6c6b3b7f821c5e259a24b02e502e51", 1,
            "5b659fc3d4e9263fd9a4ed1d022d75eaacc20df5e09f9ea937502396598dc551",
            "42589bbf0c485c3c91c1621bb4bfe04aed7be76ee48f9b00793b2342acb9c167cab856f9f9d4febc311330c20b0a8afd3743d05433e8be8d32522ecdc16cc5ce",
            "1dcb0a4821a2c48bf53548228b7f170962988f6d12f5439f31987ef41f034ab3",
            "fd03c0bf498c752161bae4719105a074630a2aa5f200ff7b3995f7bfb1513423",
            "f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02",
            "eb4440665d3891d668e7e0fcaf587f1b4bd7fbfe99d0eb2211ccec90496310eb5e33821bc613efb94db5e5b54c70a848a0bef4553a41befc57663b56373a5031"),
        new("Example 18",
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "909a8b755ed902849023a55b15c23d11ba4d7f4ec5c2f51b1325a181991ea95c", 0,
            "bf4339376f5542811de615e3313d2b36f6f53c0acfebb482159711201192576a",
            "38b868c335ccda94a088428cbf3ec8bc7955bfaffe1f3bd2aa2c59fc31a0febc59d0e1af3715773ce11b3bbdd7aba8e3505d4b9de6f7e4a96e67e0d6bb6d6c3a",
            "2bae73e15a64042fcebf062abe7e432b2eca6744f3e8265bc38e009cd577ecd5",
            "88cba1cb0d4f9b649d9a86026b69de076724a93a65c349c988954f0961c5d506",
            "9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e",
            "645427e5d00c62a23fb703732fa5d892940935942101e456ecca7bb217c61c452118fec1219202a0edcf038bb6373241578be7217ba85a2687f7a0310b2df19f"),
    ];

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    private static string ScalarHex(System.Numerics.BigInteger value, int size)
    {
        var bytes = new byte[size];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return Hex(bytes);
    }

    [TestCaseSource(nameof(Vectors))]
    public void PublicKeyAndSecretScalarMatchTheRfc(Rfc9381Vector v)
    {
        Assert.That(Hex(EcVrf.PublicKey(Hex(v.Sk))), Is.EqualTo(v.Pk));
        Assert.That(ScalarHex(EcVrf.SecretScalar(Hex(v.Sk)), 32), Is.EqualTo(v.X));
    }

    [TestCaseSource(nameof(Vectors))]
    public void IntermediateValuesMatchTheRfc(Rfc9381Vector v)
    {
        var h = EcVrf.EncodeToCurve(Hex(v.Pk), Hex(v.Alpha));
        Assert.That(Hex(h.Encode()), Is.EqualTo(v.H), "H (encode_to_curve)");
        var k = EcVrf.Nonce(Hex(v.Sk), Hex(v.H));
        Assert.That(Hex(System.Security.Cryptography.SHA512.HashData([.. System.Security.Cryptography.SHA512.HashData(Hex(v.Sk)).AsSpan(32, 32), .. Hex(v.H)])), Is.EqualTo(v.K), "k_string");
        Assert.That(Hex(EdwardsPoint.Base.Multiply(k).Encode()), Is.EqualTo(v.U), "U = k*B");
        Assert.That(Hex(h.Multiply(k).Encode()), Is.EqualTo(v.V), "V = k*H");
    }

    [TestCaseSource(nameof(Vectors))]
    public void TryAndIncrementSucceedsOnTheRfcsCounter(Rfc9381Vector v)
    {
        // The counter is not returned, so recompute which candidates decode: all before Ctr must fail.
        for (int ctr = 0; ctr <= v.Ctr; ctr++)
        {
            var digest = System.Security.Cryptography.SHA512.HashData([0x03, 0x01, .. Hex(v.Pk), .. Hex(v.Alpha), (byte)ctr, 0x00]);
            var candidate = EdwardsPoint.Decode(digest.AsSpan(0, 32));
            Assert.That(candidate is not null, Is.EqualTo(ctr == v.Ctr), $"ctr {ctr}");
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void ProveGivesTheRfcProof(Rfc9381Vector v) => Assert.That(Hex(EcVrf.Prove(Hex(v.Sk), Hex(v.Alpha))), Is.EqualTo(v.Pi));

    [TestCaseSource(nameof(Vectors))]
    public void VerifyAcceptsTheRfcProofAndGivesTheRfcOutput(Rfc9381Vector v)
    {
        var result = EcVrf.Verify(Hex(v.Pk), Hex(v.Alpha), Hex(v.Pi));
        Assert.That(result.Reason, Is.EqualTo(VrfRejectReason.None));
        Assert.That(Hex(result.Output!), Is.EqualTo(v.Beta));
        Assert.That(Hex(EcVrf.ProofToHash(Hex(v.Pi))!), Is.EqualTo(v.Beta));
    }

    [Test]
    public void AProofIsRejectedForAnotherAlphaOrAnotherKey()
    {
        var v = Vectors[1];
        Assert.That(EcVrf.Verify(Hex(v.Pk), Hex("73"), Hex(v.Pi)).Reason, Is.EqualTo(VrfRejectReason.ChallengeMismatch));
        Assert.That(EcVrf.Verify(Hex(Vectors[0].Pk), Hex(v.Alpha), Hex(v.Pi)).Reason, Is.EqualTo(VrfRejectReason.ChallengeMismatch));
    }

    [Test]
    public void EveryFlippedBitOfAProofIsRejected()
    {
        var v = Vectors[2];
        var pi = Hex(v.Pi);
        for (int bit = 0; bit < pi.Length * 8; bit++)
        {
            var bad = (byte[])pi.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(EcVrf.Verify(Hex(v.Pk), Hex(v.Alpha), bad).IsValid, Is.False, $"bit {bit}");
        }
    }

    [Test]
    public void ANonCanonicalScalarIsRejected()
    {
        // s + q verifies the same equation; only the range check stops this second encoding of the proof.
        var v = Vectors[0];
        var pi = Hex(v.Pi);
        var s = new System.Numerics.BigInteger(pi.AsSpan(48, 32), isUnsigned: true, isBigEndian: false) + EdwardsPoint.Order;
        Assert.That(s.GetByteCount(isUnsigned: true), Is.LessThanOrEqualTo(32));
        s.TryWriteBytes(pi.AsSpan(48, 32), out _, isUnsigned: true, isBigEndian: false);
        Assert.That(EcVrf.Verify(Hex(v.Pk), Hex(v.Alpha), pi).Reason, Is.EqualTo(VrfRejectReason.ScalarOutOfRange));
    }

    [Test]
    public void SmallOrderPublicKeysAreRejected()
    {
        // The identity (y = 1) and the point of order 2 (y = -1) encode as canonical points of small order.
        var identity = new byte[32];
        identity[0] = 1;
        var minusOne = Hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        foreach (var key in new[] { identity, minusOne })
            Assert.That(EcVrf.Verify(key, [], Hex(Vectors[0].Pi)).Reason, Is.EqualTo(VrfRejectReason.PublicKeySmallOrder));
    }

    [Test]
    public void NonCanonicalEncodingsAreRejected()
    {
        // y = p + 1 (non-canonical encoding of y = 1), x = 0 with the sign bit set, and a y with no x on the curve.
        var yAboveP = Hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        var negativeZero = Hex("0100000000000000000000000000000000000000000000000000000000000080");
        Assert.That(EcVrf.Verify(yAboveP, [], Hex(Vectors[0].Pi)).Reason, Is.EqualTo(VrfRejectReason.PublicKeyNotAPoint));
        Assert.That(EcVrf.Verify(negativeZero, [], Hex(Vectors[0].Pi)).Reason, Is.EqualTo(VrfRejectReason.PublicKeyNotAPoint));
        var notOnCurve = FirstNonPoint();
        Assert.That(EcVrf.Verify(notOnCurve, [], Hex(Vectors[0].Pi)).Reason, Is.EqualTo(VrfRejectReason.PublicKeyNotAPoint));
        var pi = Hex(Vectors[0].Pi);
        notOnCurve.CopyTo(pi, 0);
        Assert.That(EcVrf.Verify(Hex(Vectors[0].Pk), [], pi).Reason, Is.EqualTo(VrfRejectReason.GammaNotAPoint));
        Assert.That(EcVrf.ProofToHash(pi), Is.Null);
    }

    [Test]
    public void WrongLengthsAreRejected()
    {
        var v = Vectors[0];
        Assert.That(EcVrf.Verify(Hex(v.Pk)[..31], [], Hex(v.Pi)).Reason, Is.EqualTo(VrfRejectReason.PublicKeyLength));
        Assert.That(EcVrf.Verify(Hex(v.Pk), [], Hex(v.Pi)[..79]).Reason, Is.EqualTo(VrfRejectReason.ProofLength));
        Assert.That(EcVrf.Verify(Hex(v.Pk), new byte[EcVrf.MaxAlphaBytes + 1], Hex(v.Pi)).Reason, Is.EqualTo(VrfRejectReason.AlphaTooLong));
    }

    [Test]
    public void EncodingRoundTripsAndBasePointHasPrimeOrder()
    {
        Assert.That(EdwardsPoint.Base.Multiply(EdwardsPoint.Order).IsIdentity, Is.True);
        Assert.That(Hex(EdwardsPoint.Base.Encode()), Is.EqualTo("5866666666666666666666666666666666666666666666666666666666666666"));
        var p = EdwardsPoint.Base.Multiply(123456789);
        Assert.That(EdwardsPoint.Decode(p.Encode())!.Value.SameAs(p), Is.True);
        Assert.That(p.Add(p).SameAs(p.Double()), Is.True);
    }

    private static byte[] FirstNonPoint()
    {
        for (byte y = 2; ; y++)
        {
            var candidate = new byte[32];
            candidate[0] = y;
            if (EdwardsPoint.Decode(candidate) is null) return candidate;
        }
    }
}
