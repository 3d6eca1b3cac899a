using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Proving.ModelEquality;

namespace TensorCash.Tests.Proving.ModelEquality;

/// <summary>The Hamming-kernel MMD statistic against its definition, and its permutation test's guarantees.</summary>
public class HammingMmdTests
{
    /// <summary>Straight from the definition: a Gram sum over pairs, as a double.</summary>
    private static double NaiveMmd2(IReadOnlyList<int[]>[] x, IReadOnlyList<int[]>[] y, int length)
    {
        var xs = x.SelectMany((c, p) => c.Select(t => (p, t))).ToList();
        var ys = y.SelectMany((c, p) => c.Select(t => (p, t))).ToList();
        double K((int P, int[] T) a, (int P, int[] T) b)
        {
            if (a.P != b.P) return 0;
            int m = 0;
            for (int i = 0; i < length; i++)
            {
                int u = i < a.T.Length ? a.T[i] : -1, v = i < b.T.Length ? b.T[i] : -1;
                if (u == v) m++;
            }
            return (double)m / length;
        }
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < xs.Count; i++) for (int j = 0; j < xs.Count; j++) if (i != j) sxx += K(xs[i], xs[j]);
        for (int i = 0; i < ys.Count; i++) for (int j = 0; j < ys.Count; j++) if (i != j) syy += K(ys[i], ys[j]);
        foreach (var a in xs) foreach (var b in ys) sxy += K(a, b);
        int n = xs.Count, m2 = ys.Count;
        return sxx / (n * (n - 1.0)) + syy / (m2 * (m2 - 1.0)) - 2 * sxy / ((double)n * m2);
    }

    private static IReadOnlyList<int[]>[] RandomSide(int prompts, int perPrompt, int length, int alphabet, ulong seed, bool ragged = false)
    {
        var rng = new SamplingRng(seed);
        return Enumerable.Range(0, prompts).Select(_ => (IReadOnlyList<int[]>)Enumerable.Range(0, perPrompt).Select(_ =>
        {
            int len = ragged ? 1 + (int)(rng.NextUInt64() % (ulong)length) : length;
            return Enumerable.Range(0, len).Select(_ => (int)(rng.NextUInt64() % (ulong)alphabet)).ToArray();
        }).ToArray()).ToArray();
    }

    [Test]
    public void Statistic_MatchesTheGramMatrixDefinition_IncludingRaggedCompletionsAndUnequalSides()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var x = RandomSide(3, 4, 6, 3, seed, ragged: true);
            var y = RandomSide(3, 5, 6, 3, seed + 1000, ragged: true);
            var samples = new MmdSamples(x, y, 6);
            double naive = NaiveMmd2(x, y, 6);
            Assert.That(HammingMmd.Mmd2(samples), Is.EqualTo(naive).Within(1e-12), $"seed {seed}");
        }
    }

    [Test]
    public void IdenticalSamples_GiveANonPositiveStatisticAndALargePValue()
    {
        var x = RandomSide(4, 6, 10, 5, 7);
        var samples = new MmdSamples(x, x, 10);
        Assert.That(HammingMmd.Mmd2(samples), Is.LessThanOrEqualTo(0)); // unbiased: exactly −2·mean within-side similarity / (n−1) ≤ 0
        var result = MmdPermutationTest.Run(samples, 199, seed: 1);
        Assert.That(result.PValue, Is.GreaterThan(0.5));
        Assert.That(result.Rejected, Is.False);
    }

    [Test]
    public void DisjointSupports_GiveTheSmallestPossiblePValue()
    {
        var x = RandomSide(3, 8, 12, 4, 11);             // tokens 0..3
        var y = RandomSide(3, 8, 12, 4, 12).Select(c => (IReadOnlyList<int[]>)c.Select(t => t.Select(v => v + 100).ToArray()).ToArray()).ToArray();
        var result = MmdPermutationTest.Run(new MmdSamples(x, y, 12), 99, seed: 3);
        Assert.That(result.Exceedances, Is.Zero);
        Assert.That(result.PValue, Is.EqualTo(1.0 / 100));
        Assert.That(result.Rejected, Is.True);
        Assert.That(result.Mmd2, Is.GreaterThan(0)); // no cross-side matches at all
    }

    [Test]
    public void PValue_StaysInItsRange_AndASeedFixesIt()
    {
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var samples = new MmdSamples(RandomSide(2, 5, 8, 3, seed), RandomSide(2, 5, 8, 3, seed + 50), 8);
            var a = MmdPermutationTest.Run(samples, 49, seed);
            var b = MmdPermutationTest.Run(samples, 49, seed);
            Assert.That(a.PValue, Is.InRange(1.0 / 50, 1.0));
            Assert.That(BitConverter.DoubleToInt64Bits(a.PValue), Is.EqualTo(BitConverter.DoubleToInt64Bits(b.PValue)));
            Assert.That(a.Exceedances, Is.EqualTo(b.Exceedances));
        }
    }

    [Test]
    public void UnderTheNull_RejectionsStayNearAlpha()
    {
        // Both sides from the same distribution: over 200 independent tests at α = 0.2, rejections ~ Binomial(200, ≤ 0.2).
        int rejected = 0;
        for (ulong seed = 0; seed < 200; seed++)
        {
            var samples = new MmdSamples(RandomSide(2, 4, 5, 3, 2 * seed + 1), RandomSide(2, 4, 5, 3, 2 * seed + 2), 5);
            if (MmdPermutationTest.Run(samples, 39, seed, alpha: 0.2).Rejected) rejected++;
        }
        Assert.That(rejected, Is.InRange(20, 60)); // mean 40, sd 5.7
    }

    [Test]
    public void DifferentPrompts_NeverMatch()
    {
        // The same completions under different prompts have kernel 0 across prompts: swapping which prompt they belong
        // to on one side changes the statistic.
        int[] a = [1, 2, 3], b = [4, 5, 6];
        var x = new IReadOnlyList<int[]>[] { new[] { a, a }, new[] { b, b } };
        var y = new IReadOnlyList<int[]>[] { new[] { b, b }, new[] { a, a } };
        Assert.That(HammingMmd.Mmd2(new MmdSamples(x, y, 3)), Is.EqualTo(NaiveMmd2(x, y, 3)).Within(1e-12));
        Assert.That(HammingMmd.Mmd2(new MmdSamples(x, y, 3)), Is.EqualTo(2.0 / 3).Within(1e-12)); // within-side pairs 1/3 each, cross-side 0
    }

    [Test]
    public void OneCompletionPerSidePerPrompt_IsDegenerate()
    {
        // Within-prompt swaps cannot change the statistic (only cross pairs are nonzero), so p = 1 even for disjoint samples.
        var x = RandomSide(6, 1, 5, 3, 1);
        var y = x.Select(c => (IReadOnlyList<int[]>)c.Select(t => t.Select(v => v + 10).ToArray()).ToArray()).ToArray();
        Assert.That(MmdPermutationTest.Run(new MmdSamples(x, y, 5), 99, 1).PValue, Is.EqualTo(1.0));
    }

    [Test]
    public void BadInput_IsRejectedWithAReason()
    {
        var ok = RandomSide(2, 3, 4, 3, 1);
        Assert.That(() => new MmdSamples(ok, RandomSide(3, 3, 4, 3, 2), 4), Throws.ArgumentException.With.Message.Contains("same prompts"));
        Assert.That(() => new MmdSamples(ok, ok, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new MmdSamples(ok, ok, HammingMmd.MaxCompletionLength + 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        var one = new IReadOnlyList<int[]>[] { new[] { new[] { 1 } } };
        Assert.That(() => new MmdSamples(one, one, 1), Throws.ArgumentException.With.Message.Contains("at least 2"));
        var negative = new IReadOnlyList<int[]>[] { new[] { new[] { 1 }, new[] { -1 } } };
        Assert.That(() => new MmdSamples(negative, negative, 1), Throws.ArgumentException.With.Message.Contains(">= 0"));
        var samples = new MmdSamples(ok, ok, 4);
        Assert.That(() => MmdPermutationTest.Run(samples, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => MmdPermutationTest.Run(samples, MmdPermutationTest.MaxPermutations + 1, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => MmdPermutationTest.Run(samples, 10, 1, alpha: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
