using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Proving.Watermark;

namespace TensorCash.Tests.Proving.Watermark;

/// <summary>Green lists, the z-score, and detection with and without the key (no model needed: a synthetic generator).</summary>
public class WatermarkTests
{
    private static readonly byte[] Key = "test key one"u8.ToArray();
    private static readonly byte[] OtherKey = "test key two"u8.ToArray();

    [TestCase(0.25, 264, 66)]
    [TestCase(0.5, 264, 132)]
    [TestCase(0.1, 1000, 100)]
    [TestCase(0.3, 7, 2)]    // 2.1 → 2
    [TestCase(0.5, 5, 3)]    // 2.5 → 3 (half away from zero)
    [TestCase(0.01, 10, 1)]  // never empty
    public void GreenList_HasExactlyRoundGammaVTokens(double gamma, int vocab, int expected)
    {
        var list = new GreenList(Key, gamma, vocab);
        Assert.That(list.GreenCount, Is.EqualTo(expected));
        foreach (int previous in new[] { 0, 1, vocab - 1, 12345 })
            Assert.That(list.Mask(previous).Count(g => g), Is.EqualTo(expected), $"after token {previous}");
    }

    [Test]
    public void GreenList_IsKeyedAndDependsOnThePreviousToken_AndIsReproducible()
    {
        var a = new GreenList(Key, 0.5, 264);
        var again = new GreenList(Key, 0.5, 264);
        var b = new GreenList(OtherKey, 0.5, 264);
        Assert.That(again.Mask(42), Is.EqualTo(a.Mask(42)));
        Assert.That(b.Mask(42), Is.Not.EqualTo(a.Mask(42)));
        Assert.That(a.Mask(43), Is.Not.EqualTo(a.Mask(42)));
        // Another key's list overlaps about half of ours (γ = 0.5): a hash that ignored the key would overlap fully.
        int overlap = Enumerable.Range(0, 264).Count(i => a.Mask(42)[i] && b.Mask(42)[i]);
        Assert.That(overlap, Is.InRange(40, 92));
    }

    [TestCase(40, 100, 0.25, 3.4641016151377544)]   // (40 − 25) / sqrt(18.75)
    [TestCase(25, 100, 0.25, 0.0)]
    [TestCase(0, 50, 0.5, -7.0710678118654755)]       // −25 / sqrt(12.5)
    [TestCase(150, 200, 0.5, 7.0710678118654755)]     // 50 / sqrt(50)
    [TestCase(0, 0, 0.5, 0.0)]
    public void ZScore_MatchesHandComputedValues(int green, int scored, double gamma, double expected)
    {
        Assert.That(WatermarkDetector.ZScore(green, scored, gamma), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void ZScore_RejectsImpossibleCounts()
    {
        Assert.That(() => WatermarkDetector.ZScore(5, 4, 0.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => WatermarkDetector.ZScore(1, 4, 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new GreenList([], 0.5, 10), Throws.ArgumentException);
        Assert.That(() => new GreenList(Key, 0, 10), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new GreenList(Key, 0.5, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>A flat "model": logits 0 everywhere, sampled with the watermark bias over V = 264.</summary>
    private static int[] Generate(ITokenSampler sampler, int length, int first = 256)
    {
        var context = new List<int> { first };
        var logits = new float[264];
        for (int step = 0; step < length; step++) context.Add(sampler.Sample(step, logits, context.ToArray()));
        return context.Skip(1).ToArray();
    }

    private static readonly SamplingOptions Plain = new() { Temperature = 1, TopK = 0, TopP = 1, RepetitionPenalty = 1 };

    [Test]
    public void WatermarkedText_IsDetectedWithTheKey_AndNotWithAnotherKey()
    {
        var list = new GreenList(Key, 0.25, 264);
        var tokens = Generate(new WatermarkSampler(new StandardSampler(Plain with { Seed = 5 }), list, delta: 2), 200);
        var withKey = WatermarkDetector.Score(list, tokens, precedingToken: 256);
        Assert.That(withKey.Scored, Is.EqualTo(200));
        Assert.That(withKey.Detected, Is.True, $"z = {withKey.Z}");
        // Flat logits and δ = 2: green mass e²γ / (e²γ + 1 − γ) ≈ 0.71 per token, so z ≈ 14.
        Assert.That(withKey.Z, Is.GreaterThan(10));

        var otherKey = WatermarkDetector.Score(new GreenList(OtherKey, 0.25, 264), tokens, precedingToken: 256);
        Assert.That(otherKey.Detected, Is.False, $"z = {otherKey.Z}");
    }

    [Test]
    public void PlainText_IsNotDetected()
    {
        var list = new GreenList(Key, 0.25, 264);
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var tokens = Generate(new StandardSampler(Plain with { Seed = seed }), 200);
            var score = WatermarkDetector.Score(list, tokens, precedingToken: 256);
            Assert.That(score.Detected, Is.False, $"seed {seed}: z = {score.Z}");
        }
    }

    [Test]
    public void Detector_WithoutThePrecedingToken_SkipsTheFirstToken()
    {
        var list = new GreenList(Key, 0.5, 264);
        int[] tokens = [1, 2, 3, 4];
        var score = WatermarkDetector.Score(list, tokens);
        Assert.That(score.Scored, Is.EqualTo(3));
        int green = (list.IsGreen(1, 2) ? 1 : 0) + (list.IsGreen(2, 3) ? 1 : 0) + (list.IsGreen(3, 4) ? 1 : 0);
        Assert.That(score.Green, Is.EqualTo(green));
        Assert.That(WatermarkDetector.Score(list, []).Detected, Is.False);
    }

    [Test]
    public void ZeroDelta_LeavesTheSampledTokensUnchanged()
    {
        var list = new GreenList(Key, 0.5, 264);
        var rng = new SamplingRng(9);
        var logits = Enumerable.Range(0, 264).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var plain = new StandardSampler(Plain with { Seed = 3 });
        var marked = new WatermarkSampler(new StandardSampler(Plain with { Seed = 3 }), list, 0);
        for (int step = 0; step < 50; step++)
            Assert.That(marked.Sample(step, logits, [step]), Is.EqualTo(plain.Sample(step, logits, [step])));
    }

    [Test]
    public void Distortion_IsZeroWithoutBias_AndMatchesTheClosedFormOnFlatLogits()
    {
        var green = new GreenList(Key, 0.25, 264).Mask(7);
        var flat = new float[264];
        var none = WatermarkDistortion.Measure(flat, green, 0, 1);
        Assert.That(none.KlQP, Is.EqualTo(0).Within(1e-12));
        Assert.That(none.TotalVariation, Is.EqualTo(0).Within(1e-12));
        var d = WatermarkDistortion.Measure(flat, green, 2, 1);
        double g = 0.25, e = Math.Exp(2), qGreen = g * e / (g * e + 1 - g);
        Assert.That(d.GreenMassPlain, Is.EqualTo(0.25).Within(1e-12));
        Assert.That(d.GreenMassWatermarked, Is.EqualTo(qGreen).Within(1e-12));
        Assert.That(d.TotalVariation, Is.EqualTo(qGreen - g).Within(1e-12));
        double kl = qGreen * Math.Log(qGreen / g) + (1 - qGreen) * Math.Log((1 - qGreen) / (1 - g));
        Assert.That(d.KlQP, Is.EqualTo(kl).Within(1e-12));
    }
}
