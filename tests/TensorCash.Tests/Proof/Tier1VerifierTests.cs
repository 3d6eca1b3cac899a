using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using F = TensorCash.Tests.Proof.TranscriptFixtures;

namespace TensorCash.Tests.Proof;

/// <summary>Tier 1: an honest transcript passes, and every tier-1 reason code has an input that triggers it.</summary>
public class Tier1VerifierTests
{
    private static Tier1Result Verify(ProofTranscript t, Tier1Options? options = null) => Tier1Verifier.Verify(t, options ?? F.Options());

    internal static void ExpectOnly(Tier1Result result, RejectReason reason, string messagePart)
    {
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Rejections.Select(r => r.Reason), Has.All.EqualTo(reason), string.Join("; ", result.Rejections));
        Assert.That(result.Rejections.Select(r => r.Message), Has.Some.Contains(messagePart), string.Join("; ", result.Rejections));
    }

    [Test]
    public void HonestTranscriptIsAcceptedWithItsWindow()
    {
        var t = F.Honest();
        var result = Verify(t);
        Assert.That(result.Rejections, Is.Empty);
        Assert.That(result.Window, Is.Not.Null);
        Assert.That(Tier1Verifier.Verify(TranscriptCodec.Encode(t), F.Options()).Window!.Nonce, Is.EqualTo(result.Window!.Nonce));
    }

    [Test]
    public void WindowEqualsWhatTheProverSessionClosed()
    {
        var t = F.Honest();
        var window = Verify(t).Window!;
        var prover = F.WindowOf(t);
        Assert.That((window.ProofCommitment, window.WindowRoot, window.Nonce, window.PathDigest, window.Eligible),
            Is.EqualTo((prover.ProofCommitment, prover.WindowRoot, prover.Nonce, prover.PathDigest, prover.Eligible)));
    }

    [Test]
    public void ClaimOfTheRecomputedWindowIsAccepted() =>
        Assert.That(Verify(F.Honest(), F.Options(F.ClaimOf(F.WindowOf(F.Honest())))).Rejections, Is.Empty);

    [Test]
    public void MalformedBytesAreRejectedWithTheirReason()
    {
        var bytes = TranscriptCodec.Encode(F.Honest());
        ExpectOnly(Tier1Verifier.Verify(bytes[..^1], F.Options()), RejectReason.MalformedEncoding, "truncated");
    }

    [Test]
    public void NonCanonicalBytesAreRejectedWithTheirReason()
    {
        // The first id gap of step 0 (a one-byte LEB128, as every gap below 128 is) rewritten with a redundant zero byte.
        var t = F.Honest();
        var bytes = TranscriptCodec.Encode(t).ToList();
        var gapAt = F.FirstStepOffset(t.Header) + 4;
        Assert.That(bytes[gapAt], Is.LessThan(0x80));
        bytes[gapAt] |= 0x80;
        bytes.Insert(gapAt + 1, 0);
        ExpectOnly(Tier1Verifier.Verify(bytes.ToArray(), F.Options()), RejectReason.NonCanonicalEncoding, "redundant zero byte");
    }

    [Test]
    public void UnknownModelIsRejected() =>
        ExpectOnly(Verify(F.Honest(), F.Options() with { Models = [new KnownModel("another-model"u8.ToArray(), F.Vocab, F.Profile())] }),
            RejectReason.UnknownModel, "not known");

    [Test]
    public void ProfileOtherThanThePinnedOneIsRejected() =>
        ExpectOnly(Verify(F.Honest(profile: F.Profile(windowSize: 5))), RejectReason.ProfileMismatch, "window size 5 (pinned: 4)");

    [Test]
    public void VocabularyOtherThanAnUnpinnedModelsIsOutOfRange() =>
        ExpectOnly(Verify(F.Honest(), F.Options(model: F.Unpinned with { VocabSize = 600 })), RejectReason.ParameterOutOfRange, "the model has 600");

    [Test]
    public void EmptyPromptIsOutOfRange() =>
        ExpectOnly(Verify(F.WithHeader(F.Honest(), h => h with { Prompt = [] })), RejectReason.ParameterOutOfRange, "prompt is empty");

    [Test]
    public void PromptOverTheProfilesCapIsOutOfRange() =>
        ExpectOnly(Verify(F.WithHeader(F.Honest(), h => h with { Prompt = Enumerable.Repeat(1, 65).ToArray() })), RejectReason.ParameterOutOfRange, "allows 64");

    [Test]
    public void PromptTokenOutsideTheVocabularyIsOutOfRange() =>
        ExpectOnly(Verify(F.WithHeader(F.Honest(), h => h with { Prompt = [1, F.Vocab] })), RejectReason.ParameterOutOfRange, "prompt token 1");

    [Test]
    public void CandidateOutsideTheVocabularyIsInvalidEvidence()
    {
        var t = F.WithStep(F.Honest(), 2, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Take(11).Append(new LogitCandidate(F.Vocab, 0x3F800000))),
        });
        var result = Verify(t);
        ExpectOnly(result, RejectReason.EvidenceInvalid, "outside the vocabulary");
        Assert.That(result.Rejections[0].Step, Is.EqualTo(2));
    }

    [Test]
    public void CandidateCountDifferentFromTheProfileIsInvalidEvidence() =>
        ExpectOnly(Verify(F.WithStep(F.Honest(), 1, s => s with { Evidence = new StepEvidence(s.Evidence.Candidates.Take(11)) })),
            RejectReason.EvidenceInvalid, "11 candidates");

    [Test]
    public void ShortSketchIsInvalidEvidence() =>
        ExpectOnly(Verify(F.WithStep(F.Honest(), 3, s => s with { Statistics = s.Statistics with { SketchBits = new uint[3] } })),
            RejectReason.EvidenceInvalid, "sketch has 3 values");

    [Test]
    public void TokenThatIsNotItsDrawIsRejected()
    {
        var honest = F.Honest();
        var other = honest.Steps[2].Evidence.Candidates.First(c => c.TokenId != honest.Steps[2].Token).TokenId;
        var result = Verify(F.WithStep(honest, 2, s => s with { Token = other }));
        ExpectOnly(result, RejectReason.TokenDrawMismatch, $"token {other} is not the draw");
        Assert.That(result.Rejections[0].Step, Is.EqualTo(2));
        Assert.That(result.Window, Is.Null);
    }

    [Test]
    public void EvidenceLogitEditedToSteerTheDrawIsRejected()
    {
        // Raise a non-chosen candidate far above the rest: the draw now selects it, not the committed token.
        var honest = F.Honest();
        var step = honest.Steps[0];
        var steered = step.Evidence.Candidates.First(c => c.TokenId != step.Token);
        var edited = F.WithStep(honest, 0, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Select(c => c.TokenId == steered.TokenId ? c with { LogitBits = 0x42200000 } : c)),
        });
        ExpectOnly(Verify(edited), RejectReason.TokenDrawMismatch, "not the draw");
    }

    [Test]
    public void EvidenceEditThatKeepsTheTokenChangesTheCommitment()
    {
        // Editing a logit without changing the sampled token still changes the leaf, so the claimed commitment fails.
        var honest = F.Honest();
        var claim = F.ClaimOf(F.WindowOf(honest));
        var step = honest.Steps[0];
        var lowest = step.Evidence.Candidates.MinBy(c => BitConverter.UInt32BitsToSingle(c.LogitBits));
        var edited = F.WithStep(honest, 0, s => s with
        {
            Evidence = new StepEvidence(s.Evidence.Candidates.Select(c => c.TokenId == lowest.TokenId ? c with { LogitBits = 0xC2C80000 } : c)),
        });
        ExpectOnly(Verify(edited, F.Options(claim)), RejectReason.CommitmentMismatch, "differ from the recomputed");
    }

    [Test]
    public void EditedStatisticsChangeTheCommitment()
    {
        var honest = F.Honest();
        var claim = F.ClaimOf(F.WindowOf(honest));
        var edited = F.WithStep(honest, 3, s => s with { Statistics = s.Statistics with { EntropyBits = s.Statistics.EntropyBits ^ 1 } });
        ExpectOnly(Verify(edited, F.Options(claim)), RejectReason.CommitmentMismatch, "differ");
    }

    [TestCase("B")]
    [TestCase("v")]
    [TestCase("T")]
    [TestCase("dt")]
    public void WrongBindingIsRejected(string field)
    {
        var t = F.Honest();
        var good = F.Binding();
        var expected = field switch
        {
            "B" => new ExpectedBinding(F.Binding(fill: 0x12), PrecisionTag.F32),
            "v" => new ExpectedBinding(new ChainBinding(good.HeaderBinding, new byte[32], good.VdfTick), PrecisionTag.F32),
            "T" => new ExpectedBinding(F.Binding(tick: 8), PrecisionTag.F32),
            _ => new ExpectedBinding(good, PrecisionTag.BF16),
        };
        ExpectOnly(Verify(t, F.Options() with { Expected = expected }), RejectReason.BindingMismatch, field == "dt" ? "precision" : field == "T" ? "tick" : "differs");
    }

    [Test]
    public void TranscriptRelabelledWithANewBindingIsRejected()
    {
        // Relabel an honest transcript with the binding the verifier expects: salt and draws change, so its tokens are no longer the draws.
        var t = F.WithHeader(F.Honest(binding: F.Binding(fill: 0x99)), h => h with { Binding = F.Binding() });
        Assert.That(Verify(t).Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.TokenDrawMismatch }));
    }

    [Test]
    public void TruncatedWindowIsAStructureError() =>
        ExpectOnly(Verify(F.Honest() with { Steps = F.Honest().Steps.Take(3).ToArray() }), RejectReason.WindowStructure, "3 steps where a proof is exactly one window of 4");

    [Test]
    public void EmptyTranscriptIsAStructureError() =>
        ExpectOnly(Verify(F.Honest() with { Steps = [] }), RejectReason.WindowStructure, "0 steps");

    [Test]
    public void ReorderedStepsAreRejected()
    {
        var t = F.Honest();
        var swapped = t with { Steps = [t.Steps[1], t.Steps[0], .. t.Steps.Skip(2)] };
        Assert.That(Verify(swapped).Rejections.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.TokenDrawMismatch }));
    }

    [Test]
    public void WrongClaimedNonceIsACommitmentMismatch()
    {
        var window = F.WindowOf(F.Honest());
        var claim = F.ClaimOf(window) with { Nonce = window.Nonce + 1 };
        ExpectOnly(Verify(F.Honest(), F.Options(claim)), RejectReason.CommitmentMismatch, "nonce");
    }

    [Test]
    public void GreedyLikeWindowIsRejectedByTheEntropyCeiling()
    {
        var t = F.Honest(peaked: true);
        Assert.That(F.WindowOf(t).Eligible, Is.False);
        ExpectOnly(Verify(t), RejectReason.EntropyCeiling, "entropy ceiling");
        // Claimed or not: a header may never carry an ineligible window.
        ExpectOnly(Verify(t, F.Options(F.ClaimOf(F.WindowOf(t)))), RejectReason.EntropyCeiling, "entropy ceiling");
    }

    [Test]
    public void EveryTier1ReasonHasATest()
    {
        var tier1 = Enum.GetValues<RejectReason>().Where(r => (int)r < 200);
        var source = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "Proof", "Tier1VerifierTests.cs"));
        foreach (var reason in tier1) Assert.That(source, Does.Contain($"RejectReason.{reason},"), $"{reason} has no test in this file");
    }
}
