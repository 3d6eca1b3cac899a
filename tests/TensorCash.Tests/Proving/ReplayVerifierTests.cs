using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving.Replay;
using TensorCash.Tests.Runtime;
using NUnit.Framework;
using static TensorCash.Tests.Proving.ReplayTranscriptsForTests;

namespace TensorCash.Tests.Proving;

/// <summary>Tier-2 replay: honest transcripts pass in every engine configuration, each model-level cheat is rejected with its reason.</summary>
public class ReplayVerifierTests
{
    private const int K = 8;
    private const int Steps = 20;
    private static readonly RandomModelSpec Spec = new() { Layers = 3, Seed = 11 };
    private static readonly Tier2Options Exact = new();
    private static readonly Tier2Options Tolerant = new() { Mode = ComparisonMode.Tolerant };

    private ModelWeights _weights = null!;
    private Transformer _verifier = null!;
    private ProofTranscript _honest = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _weights = RandomModelFactory.CreateWeights(Spec, TensorDType.F32);
        _verifier = Transformer.Create(_weights, threads: 2);
        _honest = NativeMiner(_verifier, Prompt(9, Spec.VocabSize), Steps, K);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _verifier.Dispose();
        _weights.Dispose();
    }

    private static string Describe(IEnumerable<Rejection> rejections) => string.Join("\n", rejections);

    private ProofTranscript MinedBy(ModelWeights weights)
    {
        using var miner = Transformer.Create(weights, threads: 1);
        return NativeMiner(miner, _honest.Header.Prompt, Steps, K);
    }

    [Test]
    public void HonestTranscriptPassesExactlyAtEveryStep()
    {
        var report = Tier2Verifier.Check(_honest, _verifier, Exact);
        Assert.That(report.Rejections, Is.Empty, Describe(report.Rejections));
        Assert.That(report.CheckedSteps, Is.EqualTo(Enumerable.Range(0, Steps)));
        Assert.That(report.MaxNormalizedDeviation, Is.Zero, "decode and prefill on one backend give identical bits");
    }

    [Test]
    public void HonestTranscriptPassesAtSampledSteps()
    {
        var options = Exact with { SampledPositions = 5, PositionSeed = new byte[32] };
        var report = Tier2Verifier.Check(_honest, _verifier, options);
        Assert.That(report.Rejections, Is.Empty, Describe(report.Rejections));
        Assert.That(report.CheckedSteps, Has.Count.EqualTo(5));
        Assert.That(report.CheckedSteps, Is.EqualTo(ReplayPositions.Derive(new byte[32], Steps, 5)));
    }

    [TestCase(1, 1)]
    [TestCase(1, 3)]
    [TestCase(2, 7)]
    [TestCase(2, 1000)]
    public void HonestTranscriptPassesAtAnyThreadCountAndChunkSize(int threads, int chunk)
    {
        using var verifier = Transformer.Create(_weights, threads);
        var rejections = Tier2Verifier.Verify(_honest, verifier, Exact with { ChunkSize = chunk });
        Assert.That(rejections, Is.Empty, Describe(rejections));
    }

    [Test]
    public void HonestTranscriptPassesTolerantMode()
    {
        var report = Tier2Verifier.Check(_honest, _verifier, Tolerant);
        Assert.That(report.Rejections, Is.Empty, Describe(report.Rejections));
    }

    [Test]
    public void SubstitutedModelIsRejected()
    {
        using var other = RandomModelFactory.CreateWeights(Spec with { Seed = 12 }, TensorDType.F32);
        var transcript = MinedBy(other);
        var report = Tier2Verifier.Check(transcript, _verifier, Exact);
        Assert.That(report.Rejections.Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch), Describe(report.Rejections));
        Assert.That(Tier2Verifier.Verify(transcript, _verifier, Tolerant).Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch));
    }

    [TestCase(TensorDType.BF16)]
    [TestCase(TensorDType.F16)]
    [TestCase(TensorDType.Q8_0)]
    public void LowerPrecisionWeightsDeclaredAsF32AreRejectedInBothModes(TensorDType cheaper)
    {
        using var rounded = RandomModelFactory.CreateWeights(Spec, cheaper);
        var transcript = MinedBy(rounded);
        var exact = Tier2Verifier.Check(transcript, _verifier, Exact);
        var tolerant = Tier2Verifier.Check(transcript, _verifier, Tolerant);
        TestContext.Out.WriteLine($"{cheaper} vs F32: max normalized deviation {tolerant.MaxNormalizedDeviation:G3}, mean square {tolerant.MeanSquareNormalizedDeviation:G3} (threshold {ToleranceEnvelope.Default.AggregateThreshold})");
        Assert.That(exact.Rejections, Is.Not.Empty);
        Assert.That(exact.Rejections.Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch));
        Assert.That(tolerant.Rejections, Is.Not.Empty, $"{cheaper} rounding must stand out of cross-backend noise");
    }

    [Test]
    public void MissingLayerIsRejected()
    {
        using var full = RandomModelFactory.CreateWeights(Spec, TensorDType.F32);
        var layers = full.Layers.Where((_, i) => i != 1).ToList();
        using var shallow = new ModelWeights(full.Config with { LayerCount = layers.Count }, full.TokenEmbedding, full.OutputNorm, full.Output,
            layers, "layer 1 removed", [], []);
        var transcript = MinedBy(shallow);
        Assert.That(Tier2Verifier.Verify(transcript, _verifier, Exact).Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch));
        Assert.That(Tier2Verifier.Verify(transcript, _verifier, Tolerant).Select(r => r.Reason), Does.Contain(RejectReason.EvidenceLogitMismatch));
    }

    [TestCase(ComparisonMode.Exact)]
    [TestCase(ComparisonMode.Tolerant)]
    public void EditedEvidenceLogitIsRejectedAtItsStep(ComparisonMode mode)
    {
        const int step = 13;
        var edited = WithStep(_honest, step, s =>
        {
            var c = s.Evidence.Candidates;
            var lowest = c.MinBy(x => BitConverter.UInt32BitsToSingle(x.LogitBits));
            var raised = c.Select(x => x == lowest ? x with { LogitBits = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(x.LogitBits) + 0.5f) } : x);
            return s with { Evidence = new StepEvidence(raised) };
        });
        // Tolerant mode adds the aggregate rejection (step -1): one 0.5 jump dwarfs all honest noise.
        var rejections = Tier2Verifier.Verify(edited, _verifier, new Tier2Options { Mode = mode }).Where(r => r.Step >= 0).ToList();
        Assert.That(rejections, Has.Count.EqualTo(1), Describe(rejections));
        Assert.That(rejections[0].Reason, Is.EqualTo(RejectReason.EvidenceLogitMismatch));
        Assert.That(rejections[0].Step, Is.EqualTo(step));
        Assert.That(rejections[0].Message, Does.Contain($"step {step}").And.Contain("token"));
    }

    [Test]
    public void HiddenHigherLogitTokenIsRejected()
    {
        // Drop the best candidate and commit the (K+1)-th with its true logit: every committed value is genuine.
        const int step = 4;
        var logits = ForwardRunner.Prefill(_verifier, TeacherContext(step + 1));
        var row = logits.AsSpan(logits.Length - Spec.VocabSize);
        var (ids, values) = Engine.Generation.TopK.Select(row, K + 1);
        var steered = WithStep(_honest, step, s => s with
        {
            Evidence = new StepEvidence(ids.Skip(1).Select((id, i) => new LogitCandidate(id, BitConverter.SingleToUInt32Bits(values[i + 1])))),
        });
        foreach (var mode in new[] { ComparisonMode.Exact, ComparisonMode.Tolerant })
        {
            var rejections = Tier2Verifier.Verify(steered, _verifier, new Tier2Options { Mode = mode });
            var evidence = rejections.Where(r => r.Reason == RejectReason.EvidenceLogitMismatch && r.Step >= 0).ToList();
            Assert.That(evidence, Has.Count.EqualTo(1), Describe(rejections));
            Assert.That(evidence[0].Message, Does.Contain($"token {ids[0]}").And.Contain("not committed"));
        }
    }

    [Test]
    public void EditedSketchIsRejectedAsSketchMismatchOnly()
    {
        const int step = 6;
        var edited = WithStep(_honest, step, s =>
        {
            var sketch = (uint[])s.Statistics.SketchBits.Clone();
            sketch[3] = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(sketch[3]) + 4f);
            return s with { Statistics = s.Statistics with { SketchBits = sketch } };
        });
        foreach (var mode in new[] { ComparisonMode.Exact, ComparisonMode.Tolerant })
        {
            var rejections = Tier2Verifier.Verify(edited, _verifier, new Tier2Options { Mode = mode });
            Assert.That(rejections.Where(r => r.Step >= 0).Select(r => (r.Reason, r.Step)), Is.EqualTo(new[] { (RejectReason.SketchMismatch, step) }), Describe(rejections));
            Assert.That(rejections.Select(r => r.Reason), Is.All.EqualTo(RejectReason.SketchMismatch), "the aggregate names the sketch too");
        }
    }

    [Test]
    public void LmHeadRowChangedOutsideTopKIsCaughtOnlyByTheSketch()
    {
        // The token whose best logit over all steps is lowest never gets near the top K; halving its LM-head row
        // changes only its own logit, so every committed evidence value stays bitwise honest.
        var all = ForwardRunner.Prefill(_verifier, TeacherContext(Steps));
        int vocab = Spec.VocabSize, first = ProofSalt.ModelPrompt(_honest.Header).Length - 1;
        int victim = Enumerable.Range(0, vocab).MinBy(v => Enumerable.Range(0, Steps).Max(t => all[(first + t) * vocab + v]));
        var tensors = RandomModelFactory.Create(Spec);
        var head = tensors["lm_head.weight"];
        float[] rows = head.Values();
        int d = head.RowLength;
        for (int j = 0; j < d; j++) rows[victim * d + j] *= 0.5f;
        using var edited = InMemoryModel.Build(tensors.With(head.Name, NamedTensor.Of(head.Name, head.Shape, rows)), TensorDType.F32, "edited head");
        var transcript = MinedBy(edited);

        var reasons = Tier2Verifier.Verify(transcript, _verifier, Exact).Select(r => r.Reason).ToList();
        Assert.That(reasons, Does.Contain(RejectReason.SketchMismatch));
        Assert.That(reasons, Does.Not.Contain(RejectReason.EvidenceLogitMismatch), "the edit is outside the top K");
    }

    [Test]
    public void ImpossibleReplaysFailWithReplayFailed()
    {
        using var shortModel = RandomModelFactory.CreateWeights(Spec with { MaxSequenceLength = 16 }, TensorDType.F32);
        using var shortVerifier = Transformer.Create(shortModel, threads: 1);
        var tooLong = Tier2Verifier.Verify(_honest, shortVerifier, Exact);
        Assert.That(tooLong.Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.ReplayFailed }));
        Assert.That(tooLong[0].Message, Does.Contain("maximum is 16"));

        var badToken = WithStep(_honest, 2, s => s with { Token = Spec.VocabSize + 5 });
        var bad = Tier2Verifier.Verify(badToken, _verifier, Exact);
        Assert.That(bad.Select(r => (r.Reason, r.Step)), Is.EqualTo(new[] { (RejectReason.ReplayFailed, 2) }));

        var noPrompt = _honest with { Header = _honest.Header with { Prompt = [] } };
        Assert.That(Tier2Verifier.Verify(noPrompt, _verifier, Exact).Select(r => r.Reason), Is.EqualTo(new[] { RejectReason.ReplayFailed }));
    }

    /// <summary>Prompt, salt and the first <paramref name="steps"/> generated tokens, less the last one: the logits of its last row are step (steps − 1)'s.</summary>
    private int[] TeacherContext(int steps) => ProofSalt.ModelPrompt(_honest.Header).Concat(_honest.Steps.Take(steps - 1).Select(s => s.Token)).ToArray();
}
