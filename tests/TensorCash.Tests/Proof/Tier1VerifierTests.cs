using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Tests.Proof;

/// <summary>Tier 1: an honest transcript passes, and every tier-1 reason code has an input that triggers it.</summary>
public class Tier1VerifierTests
{
    private static Tier1Result Verify(ProofTranscript t, Tier1Options? options = null) => Tier1Verifier.Verify(t, options ?? TranscriptFixtures.Options());

    private static void ExpectOnly(Tier1Result result, RejectReason reason, string messagePart)
    {
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Rejections.Select(r => r.Reason), Has.All.EqualTo(reason), string.Join("; ", result.Rejections));
        Assert.That(result.Rejections.Select(r => r.Message), Has.Some.Contains(messagePart));
    }

    private static ClaimedWindow ClaimOf(WindowCandidate w) => new(w.WindowIndex, w.ProofCommitment, w.Nonce);

    [Test]
    public void HonestTranscriptIsAcceptedWithItsWindows()
    {
        var t = TranscriptFixtures.Honest(windows: 3);
        var result = Verify(t);
        Assert.That(result.Rejections, Is.Empty);
        Assert.That(result.Windows.Select(w => w.WindowIndex), Is.EqualTo(new uint[] { 0, 1, 2 }));
        Assert.That(Tier1Verifier.Verify(TranscriptCodec.Encode(t), TranscriptFixtures.Options()).Windows.Select(w => w.Nonce),
            Is.EqualTo(result.Windows.Select(w => w.Nonce)));
    }

    [Test]
    public void WindowsEqualWhatTheProverSessionClosed()
    {
        var t = TranscriptFixtures.Honest();
        var h = t.Header;
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Precision, h.Decode, h.WindowSize);
        var closed = t.Steps.Select(s => session.Step(s.Evidence, StatisticsEncoding.ToBytes(s.Statistics)).ClosedWindow).OfType<WindowCandidate>().ToArray();
        Assert.That(Verify(t).Windows.Select(w => Convert.ToHexString(w.ProofCommitment)), Is.EqualTo(closed.Select(w => Convert.ToHexString(w.ProofCommitment))));
    }

    [Test]
    public void ClaimOfARecomputedWindowIsAccepted()
    {
        var t = TranscriptFixtures.Honest();
        var window = Verify(t).Windows[1];
        Assert.That(Verify(t, TranscriptFixtures.Options(ClaimOf(window))).Accepted);
    }

    [Test]
    public void MalformedBytesAreRejectedWithTheirReason()
    {
        var bytes = TranscriptCodec.Encode(TranscriptFixtures.Honest());
        ExpectOnly(Tier1Verifier.Verify(bytes[..^1], TranscriptFixtures.Options()), RejectReason.MalformedEncoding, "truncated");
    }

    [Test]
    public void NonCanonicalBytesAreRejectedWithTheirReason()
    {
        var bytes = TranscriptCodec.Encode(TranscriptFixtures.Honest());
        var firstCandidate = bytes.Length - 8 * TranscriptCodec.StepBytes(12) + 4;
        bytes.AsSpan(firstCandidate, 4).CopyTo(bytes.AsSpan(firstCandidate + 8));
        ExpectOnly(Tier1Verifier.Verify(bytes, TranscriptFixtures.Options()), RejectReason.NonCanonicalEncoding, "ascending");
    }

    [Test]
    public void UnknownModelIsRejected()
    {
        var t = TranscriptFixtures.Honest();
        ExpectOnly(Verify(t, TranscriptFixtures.Options() with { Models = [new KnownModel("another-model"u8.ToArray(), 500)] }), RejectReason.UnknownModel, "not known");
    }

    [Test]
    public void EvidenceBelowTopKIsOutOfRange() =>
        ExpectOnly(Verify(TranscriptFixtures.WithHeader(TranscriptFixtures.Honest(), h => h with { Decode = TranscriptFixtures.Decode(topK: 13) })),
            RejectReason.ParameterOutOfRange, "below top-k");

    [Test]
    public void WindowSizeOutOfRangeIsOutOfRange() =>
        ExpectOnly(Verify(TranscriptFixtures.WithHeader(TranscriptFixtures.Honest(), h => h with { WindowSize = 0 })), RejectReason.ParameterOutOfRange, "window size");

    [Test]
    public void EvidenceCountAboveTheVocabularyIsOutOfRange()
    {
        var t = TranscriptFixtures.Honest();
        var result = Verify(t, TranscriptFixtures.Options() with { Models = [TranscriptFixtures.Known with { VocabSize = 10 }] });
        Assert.That(result.Rejections, Has.Some.Matches<Rejection>(r => r.Reason == RejectReason.ParameterOutOfRange && r.Message.Contains("exceeds the model's vocabulary")));
    }

    [Test]
    public void PromptTokenOutsideTheVocabularyIsOutOfRange() =>
        ExpectOnly(Verify(TranscriptFixtures.WithHeader(TranscriptFixtures.Honest(), h => h with { Prompt = [1, 500] })), RejectReason.ParameterOutOfRange, "prompt token 1");

    [Test]
    public void CandidateOutsideTheVocabularyIsInvalidEvidence()
    {
        var t = TranscriptFixtures.WithStep(TranscriptFixtures.Honest(), 2, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Take(11).Append(new LogitCandidate(TranscriptFixtures.Vocab, 0x3F800000))),
        });
        var result = Verify(t);
        ExpectOnly(result, RejectReason.EvidenceInvalid, "outside the vocabulary");
        Assert.That(result.Rejections[0].Step, Is.EqualTo(2));
    }

    [Test]
    public void CandidateCountDifferentFromTheHeaderIsInvalidEvidence() =>
        ExpectOnly(Verify(TranscriptFixtures.WithStep(TranscriptFixtures.Honest(), 1, s => s with { Evidence = new StepEvidence(s.Evidence.Candidates.Take(11)) })),
            RejectReason.EvidenceInvalid, "11 candidates");

    [Test]
    public void ShortSketchIsInvalidEvidence() =>
        ExpectOnly(Verify(TranscriptFixtures.WithStep(TranscriptFixtures.Honest(), 4, s => s with { Statistics = s.Statistics with { SketchBits = new uint[3] } })),
            RejectReason.EvidenceInvalid, "sketch has 3 values");

    [Test]
    public void TokenThatIsNotItsDrawIsRejected()
    {
        var honest = TranscriptFixtures.Honest();
        var other = honest.Steps[5].Evidence.Candidates.First(c => c.TokenId != honest.Steps[5].Token).TokenId;
        var result = Verify(TranscriptFixtures.WithStep(honest, 5, s => s with { Token = other }));
        ExpectOnly(result, RejectReason.TokenDrawMismatch, $"token {other} is not the draw");
        Assert.That((result.Rejections[0].Step, result.Rejections[0].Window), Is.EqualTo((5, 1)));
    }

    [Test]
    public void EvidenceLogitEditedToSteerTheDrawIsRejected()
    {
        // Raise a non-chosen candidate far above the rest: the draw now selects it, not the committed token.
        var honest = TranscriptFixtures.Honest();
        var step = honest.Steps[0];
        var steered = step.Evidence.Candidates.First(c => c.TokenId != step.Token);
        var edited = TranscriptFixtures.WithStep(honest, 0, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Select(c => c.TokenId == steered.TokenId ? c with { LogitBits = 0x42200000 } : c)),
        });
        ExpectOnly(Verify(edited), RejectReason.TokenDrawMismatch, "not the draw");
    }

    [Test]
    public void EvidenceEditThatKeepsTheTokenChangesTheCommitment()
    {
        // Editing a logit without changing the sampled token still changes the leaf, so a claimed commitment fails.
        var honest = TranscriptFixtures.Honest();
        var claim = ClaimOf(Verify(honest).Windows[1]);
        var step = honest.Steps[0];
        var lowest = step.Evidence.Candidates.MinBy(c => BitConverter.UInt32BitsToSingle(c.LogitBits));
        var edited = TranscriptFixtures.WithStep(honest, 0, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Select(c => c.TokenId == lowest.TokenId ? c with { LogitBits = 0xC2C80000 } : c)),
        });
        ExpectOnly(Verify(edited, TranscriptFixtures.Options(claim)), RejectReason.CommitmentMismatch, "differ from the recomputed");
    }

    [Test]
    public void EditedStatisticsChangeTheCommitment()
    {
        var honest = TranscriptFixtures.Honest();
        var claim = ClaimOf(Verify(honest).Windows[0]);
        var edited = TranscriptFixtures.WithStep(honest, 3, s => s with { Statistics = s.Statistics with { EntropyBits = s.Statistics.EntropyBits ^ 1 } });
        ExpectOnly(Verify(edited, TranscriptFixtures.Options(claim)), RejectReason.CommitmentMismatch, "differ");
    }

    [TestCase("B")]
    [TestCase("v")]
    [TestCase("T")]
    [TestCase("dt")]
    public void WrongBindingIsRejected(string field)
    {
        var t = TranscriptFixtures.Honest();
        var good = TranscriptFixtures.Binding();
        var expected = field switch
        {
            "B" => new ExpectedBinding(TranscriptFixtures.Binding(fill: 0x12), PrecisionTag.F32),
            "v" => new ExpectedBinding(new ChainBinding(good.HeaderBinding, new byte[32], good.VdfTick), PrecisionTag.F32),
            "T" => new ExpectedBinding(TranscriptFixtures.Binding(tick: 8), PrecisionTag.F32),
            _ => new ExpectedBinding(good, PrecisionTag.BF16),
        };
        ExpectOnly(Verify(t, TranscriptFixtures.Options() with { Expected = expected }), RejectReason.BindingMismatch, field == "dt" ? "precision" : field == "T" ? "tick" : "differs");
    }

    [Test]
    public void TranscriptReplayedUnderANewBindingIsRejected()
    {
        // Relabel an honest transcript with the binding the verifier expects: the draws no longer produce its tokens.
        var t = TranscriptFixtures.WithHeader(TranscriptFixtures.Honest(binding: TranscriptFixtures.Binding(fill: 0x99)), h => h with { Binding = TranscriptFixtures.Binding() });
        var result = Verify(t);
        Assert.That(result.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.TokenDrawMismatch }));
    }

    [Test]
    public void PartialWindowIsAStructureError() =>
        ExpectOnly(Verify(TranscriptFixtures.Honest() with { Steps = TranscriptFixtures.Honest().Steps.Take(6).ToArray() }), RejectReason.WindowStructure, "whole number of windows");

    [Test]
    public void EmptyTranscriptIsAStructureError() =>
        ExpectOnly(Verify(TranscriptFixtures.Honest() with { Steps = [] }), RejectReason.WindowStructure, "0 steps");

    [Test]
    public void ClaimOfAMissingWindowIsAStructureError()
    {
        var t = TranscriptFixtures.Honest(windows: 3);
        var claim = ClaimOf(Verify(t).Windows[2]);
        ExpectOnly(Verify(t with { Steps = t.Steps.Take(8).ToArray() }, TranscriptFixtures.Options(claim)), RejectReason.WindowStructure, "does not exist");
    }

    [Test]
    public void ReorderedWindowsAreRejected()
    {
        var t = TranscriptFixtures.Honest();
        var swapped = t with { Steps = t.Steps.Skip(4).Concat(t.Steps.Take(4)).ToArray() };
        Assert.That(Verify(swapped).Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.TokenDrawMismatch }));
    }

    [Test]
    public void PaddedWindowWithAnotherRunsStepsIsRejected()
    {
        var t = TranscriptFixtures.Honest();
        var padded = t with { Steps = t.Steps.Concat(TranscriptFixtures.Honest(seed: 2).Steps.Take(4)).ToArray() };
        Assert.That(Verify(padded).Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.TokenDrawMismatch }));
    }

    [Test]
    public void WrongClaimedNonceIsACommitmentMismatch()
    {
        var window = Verify(TranscriptFixtures.Honest()).Windows[0];
        var claim = ClaimOf(window) with { Nonce = window.Nonce + 1 };
        ExpectOnly(Verify(TranscriptFixtures.Honest(), TranscriptFixtures.Options(claim)), RejectReason.CommitmentMismatch, "nonce");
    }

    [Test]
    public void GreedyLikeWindowIsRejectedByTheEntropyCeiling()
    {
        var t = TranscriptFixtures.Honest(peaked: true);
        var result = Verify(t);
        ExpectOnly(result, RejectReason.EntropyCeiling, "entropy ceiling");
        Assert.That(result.Rejections.Select(r => r.Window), Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void ClaimOfALowEntropyWindowIsRejected()
    {
        var t = TranscriptFixtures.Honest(peaked: true);
        var h = t.Header;
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Precision, h.Decode, h.WindowSize);
        var window = t.Steps.Select(s => session.Step(s.Evidence, StatisticsEncoding.ToBytes(s.Statistics)).ClosedWindow).OfType<WindowCandidate>().Last();
        Assert.That(window.Eligible, Is.False);
        ExpectOnly(Verify(t, TranscriptFixtures.Options(ClaimOf(window))), RejectReason.EntropyCeiling, "claimed window");
    }

    [Test]
    public void EveryTier1ReasonHasATest()
    {
        var tier1 = Enum.GetValues<RejectReason>().Where(r => (int)r < 200);
        var source = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "Proof", "Tier1VerifierTests.cs"));
        foreach (var reason in tier1) Assert.That(source, Does.Contain($"RejectReason.{reason},"), $"{reason} has no test in this file");
    }
}
