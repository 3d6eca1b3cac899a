using System.Buffers.Binary;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using F = TensorCash.Tests.Proof.TranscriptFixtures;
using T1 = TensorCash.Tests.Proof.ProofTestVectors.Transcript;

namespace TensorCash.Tests.Proof;

/// <summary>The canonical transcript encoding (version 2): the published vector, the layout, and one test per rejection.</summary>
public class TranscriptCodecTests
{
    // Offsets in the fixture encoding (model id of 24 bytes, binding of 32 bytes, prompt of 5 tokens).
    private const int ModelIdLengthAt = 6;
    private const int ProfileAt = 7 + 24;
    private const int PrecisionAt = ProfileAt;
    private const int TemperatureAt = ProfileAt + 1;
    private const int TopKAt = ProfileAt + 5;
    private const int EvidenceCountAt = ProfileAt + 25;
    private const int WindowAt = ProfileAt + 27;
    private const int VocabAt = ProfileAt + 31;
    private const int SaltAt = ProfileAt + 35;
    private const int PromptCapAt = ProfileAt + 36;
    private const int CeilingAt = ProfileAt + 40;
    private const int BindingLengthAt = ProfileAt + 48;
    private const int PromptCountAt = BindingLengthAt + 1 + 32 + 32 + 8;
    private const int FirstStepAt = PromptCountAt + 4 + 5 * 4;

    private static byte[] Fixture() => TranscriptCodec.Encode(F.Honest());

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

    /// <summary>Offset of step 0's first logit: past the token and K LEB128 gaps (a byte with the high bit set continues).</summary>
    private static int FirstLogitAt(byte[] bytes)
    {
        var at = FirstStepAt + 4;
        for (var i = 0; i < F.EvidenceCount; i++)
            while ((bytes[at++] & 0x80) != 0) { }
        return at;
    }

    [Test]
    public void FixtureOffsetsMatchTheLayout()
    {
        var t = F.Honest();
        var bytes = TranscriptCodec.Encode(t);
        Assert.That(bytes[ModelIdLengthAt], Is.EqualTo(24));
        Assert.That(bytes[ProfileAt..BindingLengthAt], Is.EqualTo(TranscriptCodec.EncodeProfile(F.Profile())));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(EvidenceCountAt)), Is.EqualTo(F.EvidenceCount));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(WindowAt)), Is.EqualTo(F.WindowSize));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(VocabAt)), Is.EqualTo(F.Vocab));
        Assert.That(bytes[SaltAt], Is.EqualTo(4));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(PromptCapAt)), Is.EqualTo(64));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(CeilingAt)), Is.EqualTo(EntropyCeiling.DefaultCeilingQ32));
        Assert.That(bytes[BindingLengthAt], Is.EqualTo(32));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(PromptCountAt)), Is.EqualTo(5));
        Assert.That(F.FirstStepOffset(t.Header), Is.EqualTo(FirstStepAt));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(FirstStepAt)), Is.EqualTo(t.Steps[0].Token));
        // The whole encoding agrees with the transliteration's encoder, written from §10.
        Assert.That(bytes, Is.EqualTo(SpecEncoding(t)));
    }

    /// <summary>The transliteration's encoder fed a production transcript's fields.</summary>
    internal static byte[] SpecEncoding(ProofTranscript t)
    {
        var h = t.Header;
        var p = h.Profile;
        var spec = new SpecTransliteration.Profile((byte)p.Precision, p.Decode.TemperatureQ16, p.Decode.TopK, p.Decode.TopPQ32, p.Decode.RepetitionPenaltyQ16,
            p.Decode.PenaltyLastN, p.EvidenceCount, p.WindowSize, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32);
        return SpecTransliteration.EncodeTranscript(h.ModelId, spec, h.Binding.HeaderBinding, h.Binding.VdfOutput, h.Binding.VdfTick, h.Prompt,
            t.Steps.Select(s => (s.Token, s.Evidence.Candidates.Select(c => (c.TokenId, c.LogitBits)).ToArray(), StatisticsEncoding.ToBytes(s.Statistics))).ToArray());
    }

    [Test]
    public void DecodedTranscriptHasTheSameContent()
    {
        var original = F.Honest();
        var decoded = TranscriptCodec.Decode(TranscriptCodec.Encode(original));
        Assert.That(decoded.Steps.Select(s => s.Token), Is.EqualTo(original.Steps.Select(s => s.Token)));
        Assert.That(decoded.Steps[3].Evidence.Candidates, Is.EqualTo(original.Steps[3].Evidence.Candidates));
        Assert.That(decoded.Steps[2].Statistics.SketchBits, Is.EqualTo(original.Steps[2].Statistics.SketchBits));
        Assert.That(decoded.Header.Prompt, Is.EqualTo(original.Header.Prompt));
        Assert.That(decoded.Header.Profile.Differences(original.Header.Profile), Is.Empty);
    }

    /// <summary>T1, printed in docs/protocol/proof-of-inference.md §10: production session and codec, then the transliteration.</summary>
    [Test]
    public void PublishedVectorEncodesAsDocumented()
    {
        var header = new TranscriptHeader(T1.ModelId, T1.Profile, new ChainBinding(T1.B, T1.V, T1.Tick), T1.Prompt);
        var session = new ProofSession(header.Binding, header.ModelId, header.Prompt, header.Profile);
        var evidence = new StepEvidence(T1.Evidence.Select(c => new LogitCandidate(c.Id, c.Bits)));
        var statistics = new StepStatistics(T1.Statistics.Lse, T1.Statistics.Entropy, T1.Statistics.Sampled, T1.Sketch);
        var step = session.Step(evidence, StatisticsEncoding.ToBytes(statistics));
        Assert.That((session.Salt, step.Sampled.TokenId, step.Sampled.ProbabilityQ32.ToString("x16")), Is.EqualTo((T1.ExpectedSalt, T1.ExpectedToken, T1.ExpectedProbabilityHex)));
        var bytes = TranscriptCodec.Encode(new ProofTranscript(header, [new TranscriptStep(step.Sampled.TokenId, evidence, statistics)]));
        Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(T1.ExpectedHex));
        var result = Tier1Verifier.Verify(bytes, new Tier1Options([new KnownModel(T1.ModelId, 8, T1.Profile)]) { Claim = new ClaimedWindow(step.ClosedWindow!.ProofCommitment, step.ClosedWindow.Nonce) });
        Assert.That(result.Rejections, Is.Empty);

        var specStats = new byte[76];
        BinaryPrimitives.WriteUInt32LittleEndian(specStats, T1.Statistics.Lse);
        BinaryPrimitives.WriteUInt32LittleEndian(specStats.AsSpan(4), T1.Statistics.Entropy);
        BinaryPrimitives.WriteUInt32LittleEndian(specStats.AsSpan(8), T1.Statistics.Sampled);
        for (var j = 0; j < 16; j++) BinaryPrimitives.WriteUInt32LittleEndian(specStats.AsSpan(12 + 4 * j), T1.Sketch[j]);
        var run = SpecTransliteration.RunWindow(T1.B, T1.V, T1.Tick, T1.ModelId, T1.Prompt, T1.SpecProfile, [T1.Evidence], [specStats]);
        Assert.That((run.Salt, run.Tokens, ((ulong)run.Probabilities[0]).ToString("x16")), Is.EqualTo((T1.ExpectedSalt, new[] { T1.ExpectedToken }, T1.ExpectedProbabilityHex)));
        var spec = SpecTransliteration.EncodeTranscript(T1.ModelId, T1.SpecProfile, T1.B, T1.V, T1.Tick, T1.Prompt, [(run.Tokens[0], T1.Evidence, specStats)]);
        Assert.That(Convert.ToHexStringLower(spec), Is.EqualTo(T1.ExpectedHex));
    }

    [Test]
    public void EvidenceIdsAreMinimalLeb128Gaps()
    {
        // Gaps 0, 127, 128 and 16383/16384 straddle the one-, two- and three-byte forms.
        Assert.That(SpecTransliteration.Leb128(0), Is.EqualTo(new byte[] { 0x00 }));
        Assert.That(SpecTransliteration.Leb128(127), Is.EqualTo(new byte[] { 0x7f }));
        Assert.That(SpecTransliteration.Leb128(128), Is.EqualTo(new byte[] { 0x80, 0x01 }));
        Assert.That(SpecTransliteration.Leb128(16384), Is.EqualTo(new byte[] { 0x80, 0x80, 0x01 }));
        var profile = new ProofProfile(new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32), 4, 1, PrecisionTag.F32, 40000, 1, 4, 1UL << 32);
        var header = new TranscriptHeader("m"u8.ToArray(), profile, F.Binding(), [1]);
        var evidence = new StepEvidence([new(0, 0), new(128, 0), new(257, 0), new(16642, 0)]);
        var session = new ProofSession(header.Binding, header.ModelId, header.Prompt, profile);
        var statistics = F.RandomStatistics(new Random(4));
        var t = new ProofTranscript(header, [new TranscriptStep(session.Step(evidence, StatisticsEncoding.ToBytes(statistics)).Sampled.TokenId, evidence, statistics)]);
        var bytes = TranscriptCodec.Encode(t);
        var gapsAt = F.FirstStepOffset(header) + 4;
        Assert.That(bytes[gapsAt..(gapsAt + 7)], Is.EqualTo(new byte[] { 0x00, 0x7f, 0x80, 0x01, 0x80, 0x80, 0x01 }));
        Assert.That(bytes, Is.EqualTo(SpecEncoding(t)));
        Assert.That(TranscriptCodec.Decode(bytes).Steps[0].Evidence.Candidates.Select(c => c.TokenId), Is.EqualTo(new[] { 0, 128, 257, 16642 }));
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
    public void VersionOneIsMalformed() => ExpectReason(Patched(b => b[4] = 1), RejectReason.MalformedEncoding, "version 1 is not supported");

    [Test]
    public void EveryTruncationIsMalformed()
    {
        var bytes = Fixture();
        foreach (var length in Enumerable.Range(0, bytes.Length).Where(l => l < FirstStepAt + 20 || l % 37 == 0 || l == bytes.Length - 1))
            Assert.That(Reject(bytes[..length]).Reason, Is.EqualTo(RejectReason.MalformedEncoding), $"length {length}");
    }

    [Test]
    public void TruncationNamesTheField() => ExpectReason(Fixture()[..(PromptCountAt + 2)], RejectReason.MalformedEncoding, "prompt token count: truncated");

    [Test]
    public void StepsShorterThanTheWindowAreMalformed() => ExpectReason(Fixture()[..(FirstStepAt + 100)], RejectReason.MalformedEncoding, "4 steps need at least");

    [Test]
    public void TrailingBytesAreMalformed() => ExpectReason([.. Fixture(), 0], RejectReason.MalformedEncoding, "1 trailing bytes");

    [Test]
    public void EmptyModelIdIsMalformed() => ExpectReason(Patched(b => b[ModelIdLengthAt] = 0), RejectReason.MalformedEncoding, "model id");

    [Test]
    public void OversizedBindingIsMalformed() => ExpectReason(Patched(b => b[BindingLengthAt] = 81), RejectReason.MalformedEncoding, "binding length");

    [Test]
    public void PromptCountAboveTheProfilesCapIsMalformedWithoutAllocating()
    {
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PromptCountAt), uint.MaxValue)), RejectReason.MalformedEncoding, "exceeds the limit");
        // The cap is the profile's (64 here), not the codec's global limit.
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PromptCountAt), 65)), RejectReason.MalformedEncoding, "65 exceeds the limit of 64");
    }

    [Test]
    public void PromptTokenOutsideTheVocabularyIsOutOfRange() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PromptCountAt + 8), F.Vocab)), RejectReason.ParameterOutOfRange, "prompt token 1");

    [Test]
    public void TokenIdAboveIntRangeIsMalformed() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(FirstStepAt), 0x80000000)), RejectReason.MalformedEncoding, "step 0 token");

    [Test]
    public void RedundantLeb128ZeroByteIsNonCanonical()
    {
        var bytes = Fixture().ToList();
        var gapAt = FirstStepAt + 4;
        bytes[gapAt] |= 0x80;
        bytes.Insert(gapAt + 1, 0);
        ExpectReason(bytes.ToArray(), RejectReason.NonCanonicalEncoding, "step 0 candidate 0 id gap: LEB128 with a redundant zero byte");
    }

    [Test]
    public void Leb128AboveTheIdRangeIsMalformed()
    {
        var bytes = Fixture().ToList();
        bytes.InsertRange(FirstStepAt + 4, new byte[] { 0xff, 0xff, 0xff, 0xff, 0x7f });
        ExpectReason(bytes.ToArray(), RejectReason.MalformedEncoding, "exceeds 2^31 - 1");
    }

    [Test]
    public void CandidateIdBeyondTheVocabularyIsInvalidEvidence()
    {
        // A last gap large enough to carry the id past V - 1: the gaps make ids ascending, the vocabulary bounds them.
        var bytes = Fixture().ToList();
        bytes.InsertRange(FirstStepAt + 4, new byte[] { 0xf4, 0x03 }); // gap 500 before the first candidate
        bytes.RemoveAt(FirstStepAt + 6);
        ExpectReason(bytes.ToArray(), RejectReason.EvidenceInvalid, "outside the vocabulary [0, 500)");
    }

    [Test]
    public void NaNLogitIsInvalidEvidence()
    {
        var bytes = Fixture();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstLogitAt(bytes)), 0x7FC00000);
        ExpectReason(bytes, RejectReason.EvidenceInvalid, "NaN");
    }

    [TestCase(PrecisionAt, 1, 0u, "precision")]
    [TestCase(TemperatureAt, 4, 0u, "greedy")]
    [TestCase(TopKAt, 4, 13u, "below top-k")]
    [TestCase(EvidenceCountAt, 2, 0u, "evidence count 0")]
    [TestCase(EvidenceCountAt, 2, 4097u, "evidence count 4097")]
    [TestCase(WindowAt, 4, 4097u, "window size 4097")]
    [TestCase(VocabAt, 4, 11u, "exceeds the vocabulary of 11")]
    [TestCase(SaltAt, 1, 0u, "salt length 0")]
    [TestCase(SaltAt, 1, 17u, "salt length 17")]
    [TestCase(PromptCapAt, 4, 0u, "prompt cap 0")]
    [TestCase(PromptCapAt, 4, 131073u, "prompt cap 131073")]
    public void ProfileFieldOutOfRangeIsOutOfRange(int offset, int width, uint value, string messagePart) => ExpectReason(Patched(b =>
    {
        if (width == 1) b[offset] = (byte)value;
        else if (width == 2) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), (ushort)value);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
    }), RejectReason.ParameterOutOfRange, messagePart);

    [Test]
    public void CeilingAboveOneIsOutOfRange() =>
        ExpectReason(Patched(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(CeilingAt), (1UL << 32) + 1)), RejectReason.ParameterOutOfRange, "entropy ceiling");

    [Test]
    public void EncodeRefusesWhatNoDecodeCouldProduce()
    {
        var t = F.Honest();
        Assert.That(() => TranscriptCodec.Encode(t with { Steps = t.Steps.Take(3).ToArray() }), Throws.TypeOf<ProofInputException>().With.Message.Contains("exactly one window"));
        Assert.That(() => TranscriptCodec.Encode(t with { Steps = [.. t.Steps, t.Steps[0]] }), Throws.TypeOf<ProofInputException>().With.Message.Contains("exactly one window"));
        Assert.That(() => TranscriptCodec.Encode(F.WithHeader(t, h => h with { Profile = F.Profile(evidenceCount: 13) })), Throws.TypeOf<ProofInputException>().With.Message.Contains("pins 13"));
        Assert.That(() => TranscriptCodec.Encode(F.WithHeader(t, h => h with { Prompt = new int[65] })), Throws.TypeOf<ProofInputException>().With.Message.Contains("allows 64"));
    }
}
