using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Tests.Proof;

/// <summary>The canonical transcript encoding: round trip, the published vector, and one test per rejection.</summary>
public class TranscriptCodecTests
{
    // Offsets in the fixture encoding (model id of 24 bytes, binding of 32 bytes).
    private const int ModelIdLengthAt = 6;
    private const int PrecisionAt = 7 + 24;
    private const int TemperatureAt = PrecisionAt + 1;
    private const int BindingLengthAt = TemperatureAt + 24;
    private const int WindowAt = BindingLengthAt + 1 + 32 + 32 + 8;
    private const int EvidenceCountAt = WindowAt + 4;
    private const int PromptCountAt = EvidenceCountAt + 2;
    private const int StepCountAt = PromptCountAt + 4 + 5 * 4;
    private const int FirstStepAt = StepCountAt + 4;

    /// <summary>Transcript vector T1, as printed in docs/protocol/proof-of-inference.md section 10.</summary>
    private const string TranscriptT1Hex =
        "545343500100016d0100000100020000000000000001000000000001000000000020aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000000000000000000000000000000000000000000000000000000000000100000000000000010000000200010000000100000001000000030000000300000000000040070000000000803f000010400000003f0000403f0100000002000000030000000400000005000000060000000700000008000000090000000a0000000b0000000c0000000d0000000e0000000f00000010000000";

    private static byte[] Fixture() => TranscriptCodec.Encode(TranscriptFixtures.Honest());

    private static TranscriptFormatException Reject(byte[] bytes) => Assert.Throws<TranscriptFormatException>(() => TranscriptCodec.Decode(bytes))!;

    private static void ExpectReason(byte[] bytes, RejectReason reason, string messagePart)
    {
        var e = Reject(bytes);
        Assert.That(e.Reason, Is.EqualTo(reason), e.Message);
        Assert.That(e.Message, Does.Contain(messagePart));
    }

    private static byte[] Patched(Action<byte[]> patch)
    {
        var bytes = Fixture();
        patch(bytes);
        return bytes;
    }

    [Test]
    public void FixtureOffsetsMatchTheLayout()
    {
        var bytes = Fixture();
        Assert.That(bytes[ModelIdLengthAt], Is.EqualTo(24));
        Assert.That(bytes[BindingLengthAt], Is.EqualTo(32));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(WindowAt)), Is.EqualTo(4));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(EvidenceCountAt)), Is.EqualTo(12));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(StepCountAt)), Is.EqualTo(8));
        Assert.That(bytes, Has.Length.EqualTo(FirstStepAt + 8 * TranscriptCodec.StepBytes(12)));
    }

    [Test]
    public void EncodeOfDecodeIsTheIdentity() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var transcript = TranscriptFixtures.Honest(windows: random.Next(1, 3), windowSize: random.Next(1, 5), evidenceCount: random.Next(8, 30), seed: seed,
                binding: new ChainBinding(Enumerable.Range(0, random.Next(32, 81)).Select(_ => (byte)random.Next(256)).ToArray(), new byte[32], (ulong)random.NextInt64()),
                precision: (PrecisionTag)random.Next(1, 5));
            var bytes = TranscriptCodec.Encode(transcript);
            return TranscriptCodec.Encode(TranscriptCodec.Decode(bytes)).AsSpan().SequenceEqual(bytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));

    [Test]
    public void DecodedTranscriptHasTheSameContent()
    {
        var original = TranscriptFixtures.Honest();
        var decoded = TranscriptCodec.Decode(TranscriptCodec.Encode(original));
        Assert.That(decoded.Steps.Select(s => s.Token), Is.EqualTo(original.Steps.Select(s => s.Token)));
        Assert.That(decoded.Steps[3].Evidence.Candidates, Is.EqualTo(original.Steps[3].Evidence.Candidates));
        Assert.That(decoded.Steps[5].Statistics.SketchBits, Is.EqualTo(original.Steps[5].Statistics.SketchBits));
        Assert.That(decoded.Header.Prompt, Is.EqualTo(original.Header.Prompt));
        Assert.That(decoded.Header.Decode.TopPQ32, Is.EqualTo(original.Header.Decode.TopPQ32));
    }

    /// <summary>The vector printed in docs/protocol/proof-of-inference.md section 10.</summary>
    [Test]
    public void PublishedVectorEncodesAsDocumented()
    {
        var header = new TranscriptHeader("m"u8.ToArray(), PrecisionTag.F32, new DecodeParameters(65536, 2, 1UL << 32),
            new ChainBinding(Enumerable.Repeat((byte)0xAA, 32).ToArray(), new byte[32], 1), 1, 2, [1]);
        var session = new ProofSession(header.Binding, header.ModelId, header.Prompt, header.Precision, header.Decode, header.WindowSize);
        var evidence = new StepEvidence([new LogitCandidate(7, 0x3F800000), new LogitCandidate(3, 0x40000000)]);
        var statistics = new StepStatistics(0x40100000, 0x3F000000, 0x3F400000, Enumerable.Range(1, StepStatistics.SketchLength).Select(i => (uint)i).ToArray());
        var token = session.Step(evidence, StatisticsEncoding.ToBytes(statistics)).Sampled.TokenId;
        var bytes = TranscriptCodec.Encode(new ProofTranscript(header, [new TranscriptStep(token, evidence, statistics)]));
        Assert.That(Convert.ToHexString(bytes).ToLowerInvariant(), Is.EqualTo(TranscriptT1Hex));
        Assert.That(Tier1Verifier.Verify(bytes, new Tier1Options([new KnownModel("m"u8.ToArray(), 8)])).Accepted);
    }

    [Test]
    public void StatisticsEncodingIsFixedLittleEndian()
    {
        var bytes = StatisticsEncoding.ToBytes(new StepStatistics(0x04030201, 5, 6, Enumerable.Range(0, 16).Select(i => (uint)(100 + i)).ToArray()));
        Assert.That(bytes, Has.Length.EqualTo(76));
        Assert.That(bytes[..4], Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(72)), Is.EqualTo(115));
        Assert.Throws<ProofInputException>(() => StatisticsEncoding.ToBytes(new StepStatistics(0, 0, 0, new uint[15])));
    }

    [Test]
    public void BadMagicIsMalformed() => ExpectReason(Patched(b => b[0] = (byte)'X'), RejectReason.MalformedEncoding, "magic");

    [Test]
    public void UnknownVersionIsMalformed() => ExpectReason(Patched(b => b[4] = 2), RejectReason.MalformedEncoding, "version 2");

    [Test]
    public void EveryTruncationIsMalformed()
    {
        var bytes = Fixture();
        foreach (var length in Enumerable.Range(0, bytes.Length).Where(l => l < FirstStepAt + 20 || l % 37 == 0 || l == bytes.Length - 1))
            Assert.That(Reject(bytes[..length]).Reason, Is.EqualTo(RejectReason.MalformedEncoding), $"length {length}");
    }

    [Test]
    public void TruncationNamesTheField() => ExpectReason(Fixture()[..(FirstStepAt + 2)], RejectReason.MalformedEncoding, "step count: truncated");

    [Test]
    public void TrailingBytesAreMalformed() => ExpectReason([.. Fixture(), 0], RejectReason.MalformedEncoding, "1 trailing bytes");

    [Test]
    public void EmptyModelIdIsMalformed() => ExpectReason(Patched(b => b[ModelIdLengthAt] = 0), RejectReason.MalformedEncoding, "model id");

    [Test]
    public void OversizedBindingIsMalformed() => ExpectReason(Patched(b => b[BindingLengthAt] = 81), RejectReason.MalformedEncoding, "binding length");

    [Test]
    public void ZeroEvidenceCountIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(EvidenceCountAt), 0)), RejectReason.MalformedEncoding, "evidence count");

    [Test]
    public void EvidenceCountAboveTheCapIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(EvidenceCountAt), TranscriptLimits.MaxEvidenceCount + 1)),
            RejectReason.MalformedEncoding, "evidence count");

    [Test]
    public void PromptCountAboveTheCapIsMalformedWithoutAllocating() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PromptCountAt), uint.MaxValue)), RejectReason.MalformedEncoding, "exceeds the limit");

    [Test]
    public void StepCountAboveTheCapIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(StepCountAt), TranscriptLimits.MaxSteps + 1)), RejectReason.MalformedEncoding, "step count");

    [Test]
    public void StepCountBeyondTheDataIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(StepCountAt), 9)), RejectReason.MalformedEncoding, "truncated");

    [Test]
    public void TokenIdAboveIntRangeIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(FirstStepAt), 0x80000000)), RejectReason.MalformedEncoding, "step 0 token");

    [Test]
    public void UnsortedCandidatesAreNonCanonical() => ExpectReason(Patched(b =>
    {
        // Swap candidates 0 and 1 of step 0 (8 bytes each).
        var first = FirstStepAt + 4;
        var a = b[first..(first + 8)];
        b.AsSpan(first + 8, 8).CopyTo(b.AsSpan(first));
        a.CopyTo(b.AsSpan(first + 8));
    }), RejectReason.NonCanonicalEncoding, "strictly ascending");

    [Test]
    public void DuplicateCandidatesAreNonCanonical() => ExpectReason(Patched(b =>
    {
        var first = FirstStepAt + 4;
        b.AsSpan(first, 4).CopyTo(b.AsSpan(first + 8));
    }), RejectReason.NonCanonicalEncoding, "step 0 candidate 1");

    [Test]
    public void NaNLogitIsInvalidEvidence() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(FirstStepAt + 8), 0x7FC00000)), RejectReason.EvidenceInvalid, "NaN");

    [Test]
    public void UnknownPrecisionTagIsOutOfRange() => ExpectReason(Patched(b => b[PrecisionAt] = 0), RejectReason.ParameterOutOfRange, "precision");

    [Test]
    public void ZeroTemperatureIsOutOfRange() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(TemperatureAt), 0)), RejectReason.ParameterOutOfRange, "greedy");

    [Test]
    public void WindowSizeOutOfRangeIsOutOfRange() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(WindowAt), 4097)), RejectReason.ParameterOutOfRange, "window size");

    [Test]
    public void EncodeRefusesEvidenceThatDisagreesWithTheHeader()
    {
        var t = TranscriptFixtures.WithHeader(TranscriptFixtures.Honest(), h => h with { EvidenceCount = 13 });
        Assert.Throws<ProofInputException>(() => TranscriptCodec.Encode(t));
    }
}
