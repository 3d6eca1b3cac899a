using NUnit.Framework;
using TensorCash.Engine.Generation;

namespace TensorCash.Tests.Generation;

public class StandardSamplerTests
{
    private static readonly float[] HalfThreeTenthsFifth = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];

    private static StandardSampler Sampler(float temperature = 1, int topK = 0, float topP = 1, float penalty = 1, ulong seed = 1) =>
        new(new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP, RepetitionPenalty = penalty, Seed = seed });

    private static int[] Counts(ITokenSampler sampler, float[] logits, int draws, int[]? context = null)
    {
        var counts = new int[logits.Length];
        for (int i = 0; i < draws; i++) counts[sampler.Sample(i, logits, context ?? [])]++;
        return counts;
    }

    [Test]
    public void GreedyTakesTheArgmaxWithTiesToTheLowestId()
    {
        var sampler = Sampler(temperature: 0);
        Assert.That(sampler.Sample(0, [0.1f, 2f, -3f, 2f], []), Is.EqualTo(1));
        Assert.That(sampler.Sample(1, [float.NaN, -1f], []), Is.EqualTo(1));
        Assert.That(StandardSampler.Argmax([5f, 5f, 5f]), Is.EqualTo(0));
    }

    [Test]
    public void GreedyIgnoresTheSeed()
    {
        float[] logits = [0.3f, 0.9f, 0.7f];
        Assert.That(Sampler(temperature: 0, seed: 1).Sample(0, logits, []), Is.EqualTo(Sampler(temperature: 0, seed: 999).Sample(0, logits, [])));
    }

    [Test]
    public void RepetitionPenaltyDividesPositiveLogits()
    {
        // Token 0 (2.0, seen) becomes 1.0 and loses to token 1 (1.5, unseen).
        Assert.That(Sampler(temperature: 0, penalty: 2).Sample(0, [2f, 1.5f], [0]), Is.EqualTo(1));
        Assert.That(Sampler(temperature: 0, penalty: 2).Sample(0, [2f, 1.5f], [1]), Is.EqualTo(0));
    }

    [Test]
    public void RepetitionPenaltyMultipliesNegativeLogits()
    {
        // Token 0 (-1.0, seen) becomes -2.0 and loses to token 1 (-1.5); dividing would have made it -0.5 and won.
        Assert.That(Sampler(temperature: 0, penalty: 2).Sample(0, [-1f, -1.5f], [0]), Is.EqualTo(1));
    }

    [Test]
    public void RepetitionPenaltyAppliesOncePerDistinctToken()
    {
        // Three occurrences still mean one division: 4 -> 2 beats 1.9 (three divisions would give 0.5).
        Assert.That(Sampler(temperature: 0, penalty: 2).Sample(0, [4f, 1.9f], [0, 0, 0]), Is.EqualTo(0));
    }

    [Test]
    public void RepetitionPenaltyDoesNotChangeTheCallersLogits()
    {
        float[] logits = [2f, 1.5f];
        Sampler(temperature: 0, penalty: 2).Sample(0, logits, [0]);
        Assert.That(logits, Is.EqualTo(new[] { 2f, 1.5f }));
    }

    [Test]
    public void TopKNeverDrawsOutsideTheKLargest()
    {
        float[] logits = [0f, 3f, 1f, 2.9f, 0.5f];
        var counts = Counts(Sampler(temperature: 100, topK: 2), logits, 2000);
        Assert.That(counts[1] + counts[3], Is.EqualTo(2000));
        Assert.That(counts[1], Is.GreaterThan(700));
        Assert.That(counts[3], Is.GreaterThan(700));
    }

    [TestCase(0.49f, 1)]
    [TestCase(0.51f, 2)]
    [TestCase(0.79f, 2)]
    [TestCase(0.81f, 3)]
    public void TopPKeepsTheSmallestPrefixReachingTheMass(float topP, int expectedKept)
    {
        // Probabilities 0.5, 0.3, 0.2: mass 0.5 after one token, 0.8 after two.
        var counts = Counts(Sampler(topP: topP), HalfThreeTenthsFifth, 3000);
        Assert.That(counts.Count(c => c > 0), Is.EqualTo(expectedKept));
    }

    [Test]
    public void TopPRenormalisesOverTheKeptTokens()
    {
        // Keeping tokens 0 and 1 leaves probabilities 0.5/0.8 and 0.3/0.8.
        var counts = Counts(Sampler(topP: 0.7f), HalfThreeTenthsFifth, 20000);
        Assert.That(counts[0] / 20000.0, Is.EqualTo(0.625).Within(0.02));
        Assert.That(counts[1] / 20000.0, Is.EqualTo(0.375).Within(0.02));
    }

    [TestCase(0, 1f)]  // no truncation: sampled in id order without sorting
    [TestCase(3, 1f)]  // top-k path over a sorted candidate list
    [TestCase(0, 0.999f)] // top-p path
    public void DrawFrequenciesMatchTheSoftmax(int topK, float topP)
    {
        var counts = Counts(Sampler(topK: topK, topP: topP, seed: 12345), HalfThreeTenthsFifth, 30000);
        Assert.That(counts[0] / 30000.0, Is.EqualTo(0.5).Within(0.015));
        Assert.That(counts[1] / 30000.0, Is.EqualTo(0.3).Within(0.015));
        Assert.That(counts[2] / 30000.0, Is.EqualTo(0.2).Within(0.015));
    }

    [Test]
    public void TemperatureSharpensAndFlattens()
    {
        var cold = Counts(Sampler(temperature: 0.1f), HalfThreeTenthsFifth, 5000);
        var hot = Counts(Sampler(temperature: 10f), HalfThreeTenthsFifth, 5000);
        Assert.That(cold[0], Is.GreaterThan(4950));
        Assert.That(hot[2], Is.GreaterThan(1400)); // near-uniform: 1/3 of 5000 is 1667
    }

    [Test]
    public void TheSameSeedReproducesTheSameDraws()
    {
        float[] logits = Enumerable.Range(0, 50).Select(i => MathF.Sin(i)).ToArray();
        int[] Run(ulong seed)
        {
            var sampler = Sampler(temperature: 0.9f, topK: 20, topP: 0.9f, penalty: 1.3f, seed: seed);
            var context = new List<int> { 3, 4 };
            for (int step = 0; step < 200; step++) context.Add(sampler.Sample(step, logits, context.ToArray()));
            return context.ToArray();
        }
        Assert.That(Run(77), Is.EqualTo(Run(77)));
        Assert.That(Run(77), Is.Not.EqualTo(Run(78)));
    }

    [Test]
    public void AllNegativeInfinityFallsBackToTheFirstId()
    {
        float[] logits = [float.NegativeInfinity, float.NegativeInfinity];
        Assert.That(Sampler().Sample(0, logits, []), Is.EqualTo(0));
        Assert.That(Sampler(topK: 1).Sample(0, logits, []), Is.EqualTo(0));
    }

    [TestCase(-0.1f, 40, 0.9f, 1f, "temperature")]
    [TestCase(float.NaN, 40, 0.9f, 1f, "temperature")]
    [TestCase(1f, -1, 0.9f, 1f, "top-k")]
    [TestCase(1f, 40, 0f, 1f, "top-p")]
    [TestCase(1f, 40, 1.5f, 1f, "top-p")]
    [TestCase(1f, 40, 0.9f, 0f, "repetition penalty")]
    public void InvalidSettingsAreRejectedByName(float temperature, int topK, float topP, float penalty, string setting)
    {
        var ex = Assert.Throws<ArgumentException>(() => Sampler(temperature, topK, topP, penalty));
        Assert.That(ex!.Message, Does.StartWith(setting));
    }
}
