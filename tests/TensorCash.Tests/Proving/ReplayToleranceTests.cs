using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;
using TensorCash.Proving.Replay;
using NUnit.Framework;
using static TensorCash.Tests.Proving.ReplayTranscriptsForTests;

namespace TensorCash.Tests.Proving;

/// <summary>
/// Calibration of the tolerant mode: a miner on a genuinely different implementation (the float64 reference, logits
/// rounded to fp32) must pass against the native fp32 verifier with a wide margin to both thresholds.
/// </summary>
public class ReplayToleranceTests
{
    private static IEnumerable<RandomModelSpec> Models()
    {
        yield return new RandomModelSpec { Seed = 21 };
        yield return new RandomModelSpec { Layers = 3, Heads = 8, KvHeads = 2, Seed = 22 };
        yield return new RandomModelSpec { Architecture = ModelArchitecture.Qwen2, TiedEmbeddings = true, RopeTheta = 1000000, Seed = 23 };
        yield return BuiltinModels.TinySpec with { Layers = 2 };
    }

    [TestCaseSource(nameof(Models))]
    public void ReferenceMinerPassesNativeVerifier(RandomModelSpec spec)
    {
        using var weights = RandomModelFactory.CreateWeights(spec, TensorDType.F32);
        using var verifier = Transformer.Create(weights, threads: 2);
        var transcript = ReferenceMiner(new ReferenceTransformer(weights), spec.VocabSize, Prompt(6, spec.VocabSize, (int)(spec.Seed % 97)), 16, 16);

        var report = Tier2Verifier.Check(transcript, verifier, new Tier2Options { Mode = ComparisonMode.Tolerant });
        var envelope = ToleranceEnvelope.Default;
        TestContext.Out.WriteLine($"{spec.Architecture} L{spec.Layers} d{spec.ModelDim} seed {spec.Seed}: {report.ValuesCompared} values, " +
            $"max normalized deviation {report.MaxNormalizedDeviation:E2} (per-value limit 1, margin {1 / report.MaxNormalizedDeviation:E1}x), " +
            $"mean square {report.MeanSquareNormalizedDeviation:E2} (limit {envelope.AggregateThreshold}, margin {envelope.AggregateThreshold / report.MeanSquareNormalizedDeviation:E1}x)");
        Assert.That(report.Rejections, Is.Empty, string.Join("\n", report.Rejections));
        Assert.That(report.MaxNormalizedDeviation, Is.GreaterThan(0), "the two implementations must really differ, or this test proves nothing");
        Assert.That(report.MaxNormalizedDeviation, Is.LessThan(0.1), "honest noise should sit far inside the envelope");

        var exact = Tier2Verifier.Verify(transcript, verifier, new Tier2Options());
        Assert.That(exact, Is.Not.Empty, "exact mode is for the same backend only: another implementation's bits differ");
    }
}
