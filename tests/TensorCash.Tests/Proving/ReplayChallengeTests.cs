using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Proving.Replay;

namespace TensorCash.Tests.Proving;

/// <summary>
/// Tier 3: a failed replay becomes bytes a third party can check; only real mismatches of the committed transcript
/// are confirmed. Transcripts come from the real prover (one window of 8 steps), the cheat from other weights that
/// declare the honest model's id.
/// </summary>
public class ReplayChallengeTests
{
    private const int Window = 8;
    private static readonly RandomModelSpec Spec = new() { Seed = 31 };
    private ModelWeights _weights = null!;
    private Transformer _model = null!;
    private ProofTranscript _honest = null!;
    private ProofTranscript _cheat = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _weights = RandomModelFactory.CreateWeights(Spec, TensorDType.F32);
        _model = Transformer.Create(_weights, threads: 2);
        var identity = ModelIdentity.Compute(_weights);
        var profile = new ProofProfile(new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32), 8, Window, PrecisionTag.F32, Spec.VocabSize, 4, 1024);
        var request = new ProveRequest([1, 2, 3, 4, 5], profile, new ChainBinding(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), new byte[32], 7));
        _honest = new ProofGenerator(_model, identity).Prove(request).Transcript;
        using var other = RandomModelFactory.CreateWeights(Spec with { Seed = 32 }, TensorDType.F32);
        using var miner = Transformer.Create(other, threads: 1);
        _cheat = new ProofGenerator(miner, identity).Prove(request).Transcript;
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _model.Dispose();
        _weights.Dispose();
    }

    /// <summary>
    /// The challenge of a verifier that sampled one step and found it wrong. Exact replay stops at the first bad step
    /// (step 0 here, where every step is bad), so to dispute a step with earlier tokens in its context the verifier's
    /// private seed must pick that step: the first seed 0, 1, 2, ... whose one-step sample is <paramref name="step"/>.
    /// </summary>
    private ReplayChallenge ChallengeOfCheat(ComparisonMode mode, int step = 7)
    {
        var seed = Enumerable.Range(0, 1000).Select(i => BitConverter.GetBytes(i)).First(s => ReplayPositions.Derive(s, Window, 1)[0] == step);
        var report = Tier2Verifier.Check(_cheat, _model, new Tier2Options { Mode = mode, SampledPositions = 1, PositionSeed = seed });
        Assert.That(report.CheckedSteps, Is.EqualTo(new[] { step }));
        var rejection = report.Rejections.First(r => r.Step == step);
        return ChallengeBuilder.Build(_cheat, rejection, _model, mode);
    }

    private static byte[] FinalCommitment(ProofTranscript transcript) =>
        Tier1Verifier.Verify(transcript, new Tier1Options([new KnownModel(transcript.Header.ModelId, Spec.VocabSize)])).Window!.ProofCommitment;

    [Test]
    public void ChallengeSurvivesBytesRoundTrip()
    {
        var challenge = ChallengeOfCheat(ComparisonMode.Exact);
        byte[] bytes = ReplayChallengeCodec.Encode(challenge);
        var decoded = ReplayChallengeCodec.Decode(bytes);
        Assert.That(ReplayChallengeCodec.Encode(decoded), Is.EqualTo(bytes));
        Assert.That(decoded.Step, Is.EqualTo(7));
        Assert.That(decoded.Context, Is.EqualTo(_cheat.Header.Prompt.Concat(_cheat.Steps.Take(7).Select(s => s.Token))), "the salt is derived, not carried");
        Assert.That(decoded.ModelContext(), Is.EqualTo(ProofSalt.ModelPrompt(_cheat.Header).Concat(_cheat.Steps.Take(7).Select(s => s.Token))));
        Assert.That(decoded.Profile, Is.EqualTo(_cheat.Header.Profile));
        Assert.That(decoded.Committed.Evidence.Candidates, Is.EqualTo(_cheat.Steps[7].Evidence.Candidates));
        Assert.That(decoded.MerklePath, Has.Count.EqualTo(3), "a window of 8 leaves has a 3-node audit path");
        Assert.That(decoded.ProofCommitment, Is.EqualTo(FinalCommitment(_cheat)));
    }

    [Test]
    public void CodecRejectsTrailingTruncatedAndVersionedBytes()
    {
        byte[] bytes = ReplayChallengeCodec.Encode(ChallengeOfCheat(ComparisonMode.Exact));
        Assert.That(() => ReplayChallengeCodec.Decode([.. bytes, 0]), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("trailing"));
        Assert.That(() => ReplayChallengeCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("truncated"));
        Assert.That(BitConverter.ToUInt16(bytes, 8), Is.EqualTo(ReplayChallenge.FormatVersion), "version follows the 8-byte magic");
        byte[] future = (byte[])bytes.Clone();
        future[8] = 4;
        Assert.That(() => ReplayChallengeCodec.Decode(future), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("version 4"));
        byte[] older = (byte[])bytes.Clone();
        older[8] = 2;
        Assert.That(() => ReplayChallengeCodec.Decode(older), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("version 2"));
    }

    [TestCase(ComparisonMode.Exact)]
    [TestCase(ComparisonMode.Tolerant)]
    public void CheckerConfirmsARealMismatchFromBytes(ComparisonMode mode)
    {
        var decoded = ReplayChallengeCodec.Decode(ReplayChallengeCodec.Encode(ChallengeOfCheat(mode)));
        using var thirdParty = Transformer.Create(_weights, threads: 1);
        var verdict = ChallengeChecker.Check(decoded, thirdParty, expectedCommitment: FinalCommitment(_cheat));
        Assert.That(verdict.Confirmed, Is.True, verdict.Message);
        Assert.That(verdict.Message, Does.Contain("step 7"));
    }

    [Test]
    public void EveryStepOfATranscriptBindsToItsCommitment()
    {
        for (int step = 0; step < _honest.Steps.Count; step++)
        {
            var challenge = ChallengeBuilder.Build(_honest, new Rejection(RejectReason.SketchMismatch, step, -1, "probe"), _model);
            Assert.That(CommitmentBinding.Verify(challenge), Is.Null, $"step {step}");
        }
    }

    [Test]
    public void CheckerRefutesAFabricatedChallenge()
    {
        // Claim that an honest step is wrong: the checker's replay agrees with the committed values.
        var fake = new Rejection(RejectReason.EvidenceLogitMismatch, 4, -1, "fabricated");
        var challenge = ChallengeBuilder.Build(_honest, fake, _model);
        var verdict = ChallengeChecker.Check(ReplayChallengeCodec.Decode(ReplayChallengeCodec.Encode(challenge)), _model);
        Assert.That(verdict.Confirmed, Is.False);
        Assert.That(verdict.Message, Does.StartWith("refuted").And.Contain("replay correctly"));
    }

    /// <summary>A challenger who edits what the honest miner committed, to make a correct step look wrong, is caught by the hashes.</summary>
    [Test]
    public void CheckerRefutesAChallengeThatDoesNotMatchTheCommitment()
    {
        var honest = ChallengeBuilder.Build(_honest, new Rejection(RejectReason.SketchMismatch, 6, -1, "x"), _model);
        var editedStats = honest.Committed.Statistics with { SketchBits = honest.Committed.Statistics.SketchBits.Select(b => b ^ 1u).ToArray() };
        int otherToken = (honest.Context[^1] + 1) % Spec.VocabSize;
        var tampered = new Dictionary<string, ReplayChallenge>
        {
            ["earlier token"] = honest with { Context = [.. honest.Context[..^1], otherToken] },
            ["statistics"] = honest with { Committed = honest.Committed with { Statistics = editedStats } },
            ["path node"] = honest with { MerklePath = [new byte[32], .. honest.MerklePath.Skip(1)] },
            ["path length"] = honest with { MerklePath = [.. honest.MerklePath, new byte[32]] },
            ["prompt token"] = honest with { Context = [(honest.Context[0] + 1) % Spec.VocabSize, .. honest.Context[1..]] },
            ["binding tick"] = honest with { Binding = new ChainBinding(honest.Binding.HeaderBinding, honest.Binding.VdfOutput, honest.Binding.VdfTick + 1) },
            ["profile ceiling"] = honest with { Profile = new ProofProfile(honest.Profile.Decode, honest.Profile.EvidenceCount, honest.Profile.WindowSize,
                honest.Profile.Precision, honest.Profile.VocabSize, honest.Profile.SaltTokens, honest.Profile.MaxPromptTokens, honest.Profile.CeilingQ32 - 1) },
            ["commitment"] = honest with { ProofCommitment = honest.ProofCommitment.Select(b => (byte)~b).ToArray() },
        };
        foreach (var (what, challenge) in tampered)
        {
            var verdict = ChallengeChecker.Check(challenge, _model);
            Assert.That(verdict.Confirmed, Is.False, what);
            Assert.That(verdict.Message, Does.Contain("not bound"), what);
        }
    }

    [Test]
    public void CheckerRefutesAChallengeAgainstAnotherCommitment()
    {
        var verdict = ChallengeChecker.Check(ChallengeOfCheat(ComparisonMode.Exact), _model, expectedCommitment: FinalCommitment(_honest));
        Assert.That(verdict.Confirmed, Is.False);
        Assert.That(verdict.Message, Does.Contain("disputes commitment"));
    }

    [Test]
    public void AggregateRejectionsCannotBeChallenged() =>
        Assert.That(() => ChallengeBuilder.Build(_cheat, new Rejection(RejectReason.EvidenceLogitMismatch, -1, -1, "aggregate"), _model),
            Throws.ArgumentException.With.Message.Contains("aggregate"));
}
