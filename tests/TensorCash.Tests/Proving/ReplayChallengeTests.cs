using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving.Replay;
using NUnit.Framework;
using static TensorCash.Tests.Proving.ReplayTranscriptsForTests;

namespace TensorCash.Tests.Proving;

/// <summary>Tier 3: a failed replay becomes bytes a third party can check, and only real mismatches are confirmed.</summary>
public class ReplayChallengeTests
{
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
        int[] prompt = Prompt(5, Spec.VocabSize);
        _honest = NativeMiner(_model, prompt, 12, 8);
        using var other = RandomModelFactory.CreateWeights(Spec with { Seed = 32 }, TensorDType.F32);
        using var miner = Transformer.Create(other, threads: 1);
        _cheat = NativeMiner(miner, prompt, 12, 8);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _model.Dispose();
        _weights.Dispose();
    }

    private ReplayChallenge ChallengeOfCheat(ComparisonMode mode)
    {
        var rejection = Tier2Verifier.Verify(_cheat, _model, new Tier2Options { Mode = mode }).First(r => r.Step == 7);
        return ChallengeBuilder.Build(_cheat, rejection, _model, mode);
    }

    [Test]
    public void ChallengeSurvivesBytesRoundTrip()
    {
        var challenge = ChallengeOfCheat(ComparisonMode.Exact) with { LeafHash = new byte[32], MerklePath = [new byte[32], Enumerable.Repeat((byte)7, 32).ToArray()] };
        byte[] bytes = ReplayChallengeCodec.Encode(challenge);
        var decoded = ReplayChallengeCodec.Decode(bytes);
        Assert.That(ReplayChallengeCodec.Encode(decoded), Is.EqualTo(bytes));
        Assert.That(decoded.Step, Is.EqualTo(7));
        Assert.That(decoded.Context, Is.EqualTo(_cheat.Header.Prompt.Concat(_cheat.Steps.Take(7).Select(s => s.Token))));
        Assert.That(decoded.Committed.Evidence.Candidates, Is.EqualTo(_cheat.Steps[7].Evidence.Candidates));
        Assert.That(decoded.MerklePath[1], Is.EqualTo(challenge.MerklePath[1]));
    }

    [Test]
    public void CodecRejectsTrailingTruncatedAndVersionedBytes()
    {
        byte[] bytes = ReplayChallengeCodec.Encode(ChallengeOfCheat(ComparisonMode.Exact));
        Assert.That(() => ReplayChallengeCodec.Decode([.. bytes, 0]), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("trailing"));
        Assert.That(() => ReplayChallengeCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("truncated"));
        byte[] future = (byte[])bytes.Clone();
        future[8] = 2;
        Assert.That(() => ReplayChallengeCodec.Decode(future), Throws.TypeOf<ReplayChallengeFormatException>().With.Message.Contains("version 2"));
    }

    [TestCase(ComparisonMode.Exact)]
    [TestCase(ComparisonMode.Tolerant)]
    public void CheckerConfirmsARealMismatchFromBytes(ComparisonMode mode)
    {
        var decoded = ReplayChallengeCodec.Decode(ReplayChallengeCodec.Encode(ChallengeOfCheat(mode)));
        using var thirdParty = Transformer.Create(_weights, threads: 1);
        var verdict = ChallengeChecker.Check(decoded, thirdParty);
        Assert.That(verdict.Confirmed, Is.True, verdict.Message);
        Assert.That(verdict.Message, Does.Contain("step 7"));
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

    [Test]
    public void CheckerRefutesAChallengeWhoseContextWasTampered()
    {
        // A challenger who edits the context to make an honest step look wrong needs the leaf binding to be caught; today
        // at least a context the model cannot run is refuted rather than crashing the checker.
        var challenge = ChallengeBuilder.Build(_honest, new Rejection(RejectReason.SketchMismatch, 3, -1, "x"), _model);
        var tampered = challenge with { Context = [.. challenge.Context[..^1], Spec.VocabSize + 1] };
        Assert.That(ChallengeChecker.Check(tampered, _model).Confirmed, Is.False);
    }

    [Test]
    public void AggregateRejectionsCannotBeChallenged() =>
        Assert.That(() => ChallengeBuilder.Build(_cheat, new Rejection(RejectReason.EvidenceLogitMismatch, -1, -1, "aggregate"), _model),
            Throws.ArgumentException.With.Message.Contains("aggregate"));
}
