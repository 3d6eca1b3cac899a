using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

public class SamplerTests
{
    private static StepEvidence Evidence(params (int Id, float Logit)[] candidates) =>
        new(candidates.Select(c => new LogitCandidate(c.Id, BitConverter.SingleToUInt32Bits(c.Logit))));

    [Test]
    public void SamplerVectorsMatchTheDocumentThroughBothImplementations()
    {
        foreach (var v in ProofTestVectors.Samplers)
        {
            var distribution = SamplingDistribution.Build(new StepEvidence(v.Evidence.Select(c => new LogitCandidate(c.Id, c.Bits))),
                new DecodeParameters(v.TemperatureQ16, v.TopK, v.TopPQ32, v.RepetitionPenaltyQ16), v.Penalized.ToHashSet());
            var sampled = distribution.Sample(v.Draw);
            Assert.That(string.Join(" ", distribution.Nucleus.Select(c => $"{c.TokenId}:{c.Weight:x16}")), Is.EqualTo(v.ExpectedNucleus), v.Name);
            Assert.That((sampled.TokenId, sampled.ProbabilityQ32.ToString("x16")), Is.EqualTo((v.ExpectedToken, v.ExpectedProbabilityHex)), v.Name);

            var spec = SpecTransliteration.Sample(v.Evidence, v.TemperatureQ16, v.TopK, v.TopPQ32, v.RepetitionPenaltyQ16, v.Penalized.ToHashSet(), v.Draw);
            Assert.That(string.Join(" ", spec.NucleusTokens.Zip(spec.NucleusWeights).Select(c => $"{c.First}:{(ulong)c.Second:x16}")), Is.EqualTo(v.ExpectedNucleus), v.Name);
            Assert.That((spec.Token, ((ulong)spec.ProbabilityQ32).ToString("x16")), Is.EqualTo((v.ExpectedToken, v.ExpectedProbabilityHex)), v.Name);
        }
    }

    [Test]
    public void RepetitionPenaltyDividesPositiveLogitsAndMultipliesNegativeOnes()
    {
        // 2.0 / 2 = 1.0 ties with the unpenalised 1.0: both weigh exactly 2^32.
        var positive = SamplingDistribution.Build(Evidence((1, 2f), (2, 1f)), new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32, 2 << 16), new HashSet<int> { 1 });
        Assert.That(positive.Nucleus.Select(c => c.Weight), Is.EqualTo(new ulong[] { 1UL << 32, 1UL << 32 }));
        // -1.0 * 2 = -2.0 sits 2.0 below the top: weight floor(2^32 e^-2).
        var negative = SamplingDistribution.Build(Evidence((1, 0f), (2, -1f)), new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32, 2 << 16), new HashSet<int> { 2 });
        Assert.That(negative.Nucleus[1].Weight, Is.EqualTo((ulong)Math.Floor(Math.Exp(-2) * 4294967296.0)));
    }

    [Test]
    public void TopKOneIsGreedyWithProbabilityOne()
    {
        var distribution = SamplingDistribution.Build(Evidence((4, 0.1f), (9, 0.3f), (2, 0.2f)), new DecodeParameters(65536, 1, DecodeParameters.TopPOffQ32), new HashSet<int>());
        Assert.That(distribution.Sample(ulong.MaxValue), Is.EqualTo(new SampledToken(9, 0, 1UL << 32)));
    }

    [Test]
    public void ProbabilitiesAgreeWithADoublePrecisionSoftmax()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var logits = Enumerable.Range(0, 32).Select(i => (Id: i * 7, Logit: (float)(random.NextDouble() * 20 - 10))).ToArray();
            var temperature = 0.3 + random.NextDouble() * 1.5;
            var parameters = new DecodeParameters((uint)(temperature * 65536), 0, DecodeParameters.TopPOffQ32);
            var distribution = SamplingDistribution.Build(Evidence(logits), parameters, new HashSet<int>());
            var tau = parameters.TemperatureQ16 / 65536.0;
            var max = logits.Max(l => l.Logit / tau);
            var sum = logits.Sum(l => Math.Exp(l.Logit / tau - max));
            foreach (var candidate in distribution.Nucleus)
            {
                var expected = Math.Exp(logits.Single(l => l.Id == candidate.TokenId).Logit / tau - max) / sum;
                Assert.That((double)candidate.Weight / distribution.TotalWeight, Is.EqualTo(expected).Within(1e-8));
            }
        }
    }

    [Test]
    public void InvalidEvidenceAndParametersAreRejectedWithTheFieldNamed()
    {
        Assert.That(() => new StepEvidence([]), Throws.TypeOf<ProofInputException>().With.Message.Contains("0 candidates"));
        Assert.That(() => Evidence((1, 0f), (1, 2f)), Throws.TypeOf<ProofInputException>().With.Message.Contains("token 1 twice"));
        Assert.That(() => Evidence((-1, 0f)), Throws.TypeOf<ProofInputException>().With.Message.Contains("negative id -1"));
        Assert.That(() => Evidence((1, float.NaN)), Throws.TypeOf<ProofInputException>().With.Message.Contains("NaN"));
        Assert.That(() => Evidence((1, float.NegativeInfinity)), Throws.TypeOf<ProofInputException>().With.Message.Contains("infinity"));
        Assert.That(() => new DecodeParameters(0, 0, DecodeParameters.TopPOffQ32), Throws.TypeOf<ProofInputException>().With.Message.Contains("greedy"));
        Assert.That(() => new DecodeParameters(65536, 0, 0), Throws.TypeOf<ProofInputException>().With.Message.Contains("top-p"));
        Assert.That(() => new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32 + 1), Throws.TypeOf<ProofInputException>().With.Message.Contains("top-p"));
        Assert.That(() => new DecodeParameters(65536, -1, DecodeParameters.TopPOffQ32), Throws.TypeOf<ProofInputException>().With.Message.Contains("top-k -1"));
        Assert.That(() => new DecodeParameters(65536, 0, DecodeParameters.TopPOffQ32, 1000), Throws.TypeOf<ProofInputException>().With.Message.Contains("repetition penalty"));
        Assert.That(() => SamplingDistribution.Build(Evidence((1, 0f)), new DecodeParameters(65536, 2, DecodeParameters.TopPOffQ32), new HashSet<int>()),
            Throws.TypeOf<ProofInputException>().With.Message.Contains("top-k 2 exceeds the 1 committed"));
    }

    [Test]
    public void PenaltyWindowTakesDistinctTokensAmongTheLastN()
    {
        Assert.That(RepetitionWindow.PenalizedTokens([5, 6, 7, 6, 8], 3), Is.EquivalentTo(new[] { 7, 6, 8 }));
        Assert.That(RepetitionWindow.PenalizedTokens([5, 6, 7, 6, 8], 0), Is.EquivalentTo(new[] { 5, 6, 7, 8 }));
        Assert.That(RepetitionWindow.PenalizedTokens([5, 6], 10), Is.EquivalentTo(new[] { 5, 6 }));
    }
}
