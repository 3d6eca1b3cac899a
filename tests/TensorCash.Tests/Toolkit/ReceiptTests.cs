using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Toolkit;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Signatures;
using S = TensorCash.Tests.Toolkit.ToolkitSamples;

namespace TensorCash.Tests.Toolkit;

public class ReceiptTests
{
    /// <summary>
    /// Receipt vector 1 of docs/protocol/poi-toolkit.md: <see cref="ToolkitSamples.Receipt"/>(job 0, 8 positions, 1000
    /// work units), keys SHA-256("toolkit test key node" / "payer" / "enclave"), the software test root.
    /// </summary>
    public const string VectorBodyDigest = "dbf6cd4f55a17626e8c5ff245154002a7fe0471655063387f8bcdd29d75bd5a1";
    public const string VectorReceiptHash = "9e01378bc4dc8a029f298e8ba0a0188afb4b4006e0f203e532c0b159f1c73759";
    public const int VectorLength = 643;

    [Test]
    public void TheDocumentedVectorEncodesAsPinned()
    {
        var receipt = S.Receipt();
        var bytes = ReceiptCodec.Encode(receipt);
        TestContext.Out.WriteLine($"body digest {Convert.ToHexStringLower(ReceiptCodec.BodyDigest(receipt.Body))}");
        TestContext.Out.WriteLine($"receipt hash {Convert.ToHexStringLower(ReceiptCodec.Hash(receipt))} length {bytes.Length}");
        TestContext.Out.WriteLine($"encoding {Convert.ToHexStringLower(bytes)}");
        Assert.That(Convert.ToHexStringLower(ReceiptCodec.BodyDigest(receipt.Body)), Is.EqualTo(VectorBodyDigest));
        Assert.That(Convert.ToHexStringLower(ReceiptCodec.Hash(receipt)), Is.EqualTo(VectorReceiptHash));
        Assert.That(bytes, Has.Length.EqualTo(VectorLength));
        Assert.That(ReceiptVerifier.Verify(receipt, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.None));
    }

    [Test]
    public void SigningIsDeterministic() => Assert.That(ReceiptCodec.Encode(S.Receipt()), Is.EqualTo(ReceiptCodec.Encode(S.Receipt())));

    [Test]
    public void EveryFlippedBitOfAnEncodedReceiptIsRefusedOrRejected()
    {
        // The property the issue asks for, exhaustively: any change of any field (any bit of the encoding) either
        // makes the bytes undecodable or breaks a signature (or the quote, or the measurement match).
        var bytes = ReceiptCodec.Encode(S.Receipt());
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            var bad = (byte[])bytes.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Receipt decoded;
            try
            {
                decoded = ReceiptCodec.Decode(bad);
            }
            catch (ToolkitFormatException)
            {
                continue;
            }
            Assert.That(ReceiptVerifier.Verify(decoded, S.TestRoot).IsValid, Is.False, $"bit {bit} (byte {bit / 8})");
        }
    }

    private static readonly (string Field, Func<ReceiptBody, ReceiptBody> Change)[] BodyChanges =
    [
        ("request hash", b => With(b, requestHash: Flip(b.RequestHash))),
        ("output hash", b => With(b, outputHash: Flip(b.OutputHash))),
        ("model hash", b => With(b, environment: new Measurement(Flip(b.Environment.ModelHash), b.Environment.KernelVersion, b.Environment.Precision))),
        ("kernel version", b => With(b, environment: new Measurement(b.Environment.ModelHash, b.Environment.KernelVersion + "x", b.Environment.Precision))),
        ("precision", b => With(b, environment: new Measurement(b.Environment.ModelHash, b.Environment.KernelVersion, PrecisionTag.F16))),
        ("temperature", b => With(b, decode: b.Decode with { TemperatureQ16 = b.Decode.TemperatureQ16 + 1 })),
        ("top-k", b => With(b, decode: b.Decode with { TopK = b.Decode.TopK + 1 })),
        ("top-p", b => With(b, decode: b.Decode with { TopPQ32 = b.Decode.TopPQ32 + 1 })),
        ("repetition penalty", b => With(b, decode: b.Decode with { RepetitionPenaltyQ16 = b.Decode.RepetitionPenaltyQ16 + 1 })),
        ("penalty window", b => With(b, decode: b.Decode with { PenaltyLastN = b.Decode.PenaltyLastN + 1 })),
        ("seed", b => With(b, seed: b.Seed + 1)),
        ("work units", b => With(b, workUnits: b.WorkUnits + 1)),
        ("timestamp", b => With(b, timestamp: b.Timestamp + 1)),
        ("trace commitment", b => With(b, trace: Flip(b.TraceCommitment))),
        ("trace length", b => With(b, traceLength: b.TraceLength + 1)),
        ("node key", b => With(b, node: SchnorrKeys.PublicKey(S.Key("other node")))),
        ("payer key", b => With(b, payer: SchnorrKeys.PublicKey(S.Key("other payer")))),
    ];

    [Test]
    public void EveryBodyFieldIsCoveredByAllThreeSignatures()
    {
        var receipt = S.Receipt();
        foreach (var (field, change) in BodyChanges)
        {
            var body = change(receipt.Body);
            Assert.That(ReceiptCodec.BodyDigest(body), Is.Not.EqualTo(ReceiptCodec.BodyDigest(receipt.Body)), field);
            var enclave = new SoftwareTestQuoteVerifier(SoftwareTestEnclave.TestRootPublicKey).Verify(receipt.Quote).Enclave!;
            Assert.That(SchnorrKeys.Verify(enclave.EnclavePublicKey, ReceiptCodec.EnclaveDigest(body), receipt.EnclaveSignature), Is.False, $"{field}: enclave");
            Assert.That(SchnorrKeys.Verify(receipt.Body.NodePublicKey, ReceiptCodec.NodeDigest(body, receipt.Quote, receipt.EnclaveSignature), receipt.NodeSignature), Is.False, $"{field}: node");
            Assert.That(SchnorrKeys.Verify(receipt.Body.PayerPublicKey, ReceiptCodec.PayerDigest(body, receipt.Quote, receipt.EnclaveSignature, receipt.NodeSignature), receipt.PayerSignature), Is.False, $"{field}: payer");
            Assert.That(ReceiptVerifier.Verify(receipt with { Body = body }, S.TestRoot).IsValid, Is.False, field);
        }
        Assert.That(BodyChanges, Has.Length.EqualTo(17), "one change per body field: 13 paper fields, decode settings as 5, trace length, two keys");
    }

    [Test]
    public void TheAttestationAndSignaturesAreCoveredToo()
    {
        var receipt = S.Receipt();
        var otherEnclave = new SoftwareTestEnclave(receipt.Body.Environment, SoftwareTestEnclave.TestRootSecretKey, S.Key("enclave 2"));
        Assert.That(ReceiptVerifier.Verify(receipt with { Quote = otherEnclave.Quote }, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.EnclaveSignatureInvalid));
        Assert.That(ReceiptVerifier.Verify(receipt with { EnclaveSignature = Flip(receipt.EnclaveSignature) }, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.EnclaveSignatureInvalid));
        Assert.That(ReceiptVerifier.Verify(receipt with { NodeSignature = Flip(receipt.NodeSignature) }, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.NodeSignatureInvalid));
        Assert.That(ReceiptVerifier.Verify(receipt with { PayerSignature = Flip(receipt.PayerSignature) }, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.PayerSignatureInvalid));
    }

    [Test]
    public void EachRejectionReasonHasItsCase()
    {
        var receipt = S.Receipt();
        var otherRoot = new QuoteVerifiers(new SoftwareTestQuoteVerifier(SchnorrKeys.PublicKey(S.Key("vendor"))));
        var v = ReceiptVerifier.Verify(receipt, otherRoot);
        Assert.That((v.Reason, v.QuoteReason), Is.EqualTo((ReceiptRejectReason.QuoteRejected, QuoteRejectReason.UntrustedRoot)));
        Assert.That(ReceiptVerifier.Verify(receipt, new QuoteVerifiers()).QuoteReason, Is.EqualTo(QuoteRejectReason.UnsupportedFormat));

        // A quote for another model: the enclave key is genuine but attests a different measurement.
        var otherModel = new SoftwareTestEnclave(new Measurement(new byte[32], "tensorcash-cpu/1", PrecisionTag.BF16), SoftwareTestEnclave.TestRootSecretKey, S.EnclaveKey);
        var substituted = ReceiptSigning.Cosign(ReceiptSigning.Issue(S.Body(), otherModel, S.NodeKey), S.PayerKey);
        Assert.That(ReceiptVerifier.Verify(substituted, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.MeasurementMismatch));

        var unsigned = ReceiptSigning.Issue(S.Body(), S.Enclave(), S.NodeKey);
        Assert.That(ReceiptVerifier.Verify(unsigned, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.PayerSignatureMissing));

        var selfDealt = new ReceiptBody(S.Body().RequestHash, S.Body().OutputHash, S.Environment, S.Body().Decode, 1, 1, 1, S.Body().TraceCommitment, 8, S.NodeId, S.NodeId);
        var selfReceipt = ReceiptSigning.Cosign(ReceiptSigning.Issue(selfDealt, S.Enclave(), S.NodeKey), S.NodeKey);
        Assert.That(ReceiptVerifier.Verify(selfReceipt, S.TestRoot).Reason, Is.EqualTo(ReceiptRejectReason.PayerIsNode));

        Assert.Throws<ArgumentException>(() => ReceiptSigning.Issue(S.Body(), S.Enclave(), S.PayerKey), "node key must match the body");
        Assert.Throws<ArgumentException>(() => ReceiptSigning.Cosign(unsigned, S.NodeKey), "payer key must match the body");
    }

    [Test]
    public void MalformedEncodingsAreRefusedWithTheirReason()
    {
        var good = ReceiptCodec.Encode(S.Receipt());
        AssertRefused([.. "TSCX"u8, .. good[4..]], "magic");
        var version = (byte[])good.Clone();
        version[4] = 2;
        AssertRefused(version, "version 2");
        AssertRefused(good[..^1], "needs 64 more bytes, 63 left");
        AssertRefused([.. good, 0], "1 bytes follow the end");
        AssertRefused(new byte[ReceiptLimits.MaxReceiptBytes + 1], "exceed the limit");
        int kernelOffset = 4 + 2 + 32 * 3;
        var nonAscii = (byte[])good.Clone();
        nonAscii[kernelOffset + 1] = 0x80;
        AssertRefused(nonAscii, "printable ASCII");
        var longKernel = (byte[])good.Clone();
        longKernel[kernelOffset] = 200;
        AssertRefused(longKernel, "exceeds its limit of 64");
        int precisionOffset = kernelOffset + 1 + good[kernelOffset];
        var precision = (byte[])good.Clone();
        precision[precisionOffset] = 0x09;
        AssertRefused(precision, "precision 0x09");
        int traceLengthOffset = precisionOffset + 1 + 24 + 24 + 32;
        var zeroTrace = (byte[])good.Clone();
        zeroTrace.AsSpan(traceLengthOffset, 4).Clear();
        AssertRefused(zeroTrace, "trace length 0");
        int quoteLengthOffset = traceLengthOffset + 4 + 64;
        var hugeQuote = (byte[])good.Clone();
        hugeQuote[quoteLengthOffset] = 0xFF;
        hugeQuote[quoteLengthOffset + 1] = 0xFF;
        AssertRefused(hugeQuote, "exceeds its limit of 16384");
    }

    [Test]
    public void SoftwareQuotesAreCheckedAgainstTheConfiguredRoot()
    {
        var enclave = S.Enclave();
        var verifier = new SoftwareTestQuoteVerifier(SoftwareTestEnclave.TestRootPublicKey);
        var verdict = verifier.Verify(enclave.Quote);
        Assert.That(verdict.IsValid, Is.True);
        Assert.That(verdict.Enclave!.EnclavePublicKey, Is.EqualTo(enclave.EnclavePublicKey));
        Assert.That(verdict.Enclave.Measurement.Matches(S.Environment), Is.True);

        var vendorKey = S.Key("vendor");
        var vendorQuote = new SoftwareTestEnclave(S.Environment, vendorKey).Quote;
        Assert.That(new SoftwareTestQuoteVerifier(SchnorrKeys.PublicKey(vendorKey)).Verify(vendorQuote).IsValid, Is.True);
        Assert.That(verifier.Verify(vendorQuote).Reason, Is.EqualTo(QuoteRejectReason.UntrustedRoot));

        // A forged quote naming the trusted root, signed by someone else.
        var forged = (byte[])vendorQuote.Clone();
        SoftwareTestEnclave.TestRootPublicKey.CopyTo(forged.AsSpan(forged.Length - 96));
        Assert.That(verifier.Verify(forged).Reason, Is.EqualTo(QuoteRejectReason.BadRootSignature));
        for (int i = 0; i < enclave.Quote.Length; i++)
        {
            var bad = (byte[])enclave.Quote.Clone();
            bad[i] ^= 0x01;
            Assert.That(verifier.Verify(bad).IsValid, Is.False, $"byte {i}");
        }
        Assert.That(verifier.Verify(enclave.Quote[..^1]).Reason, Is.EqualTo(QuoteRejectReason.Malformed));
        Assert.That(new QuoteVerifiers(verifier).Verify([(byte)QuoteFormat.IntelTdx, 1, 2, 3]).Reason, Is.EqualTo(QuoteRejectReason.UnsupportedFormat));
        Assert.That(new QuoteVerifiers(verifier).Verify([]).Reason, Is.EqualTo(QuoteRejectReason.Malformed));
    }

    [Test]
    public void SchnorrSignaturesNeverThrowOnHostileBytes()
    {
        var digest = SHA256.HashData([1]);
        var sig = SchnorrKeys.Sign(S.NodeKey, digest);
        Assert.That(SchnorrKeys.Verify(S.NodeId, digest, sig), Is.True);
        Assert.That(SchnorrKeys.Verify(new byte[32], digest, sig), Is.False);
        Assert.That(Enumerable.Repeat((byte)0xFF, 32).ToArray() is var k && SchnorrKeys.Verify(k, digest, sig), Is.False);
        Assert.That(SchnorrKeys.Verify(S.NodeId, digest, Enumerable.Repeat((byte)0xFF, 64).ToArray()), Is.False);
        Assert.That(SchnorrKeys.Verify(S.NodeId, digest, sig[..63]), Is.False);
        Assert.That(SchnorrKeys.IsValidSecretKey(new byte[32]), Is.False);
    }

    private static void AssertRefused(byte[] bytes, string expected)
    {
        var e = Assert.Throws<ToolkitFormatException>(() => ReceiptCodec.Decode(bytes));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    internal static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[0] ^= 1;
        return copy;
    }

    private static ReceiptBody With(ReceiptBody b, byte[]? requestHash = null, byte[]? outputHash = null, Measurement? environment = null, DecodeSettings? decode = null,
        ulong? seed = null, ulong? workUnits = null, ulong? timestamp = null, byte[]? trace = null, uint? traceLength = null, byte[]? node = null, byte[]? payer = null) =>
        new(requestHash ?? b.RequestHash, outputHash ?? b.OutputHash, environment ?? b.Environment, decode ?? b.Decode, seed ?? b.Seed, workUnits ?? b.WorkUnits,
            timestamp ?? b.Timestamp, trace ?? b.TraceCommitment, traceLength ?? b.TraceLength, node ?? b.NodePublicKey, payer ?? b.PayerPublicKey);
}
