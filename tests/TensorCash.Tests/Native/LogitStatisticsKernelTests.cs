using NUnit.Framework;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>
/// tc_logit_statistics: the proof's statistics must have the same bits on every ISA (same-backend replay is
/// bitwise), handle non-finite rows deterministically, and be accurate against a float64 softmax.
/// </summary>
public class LogitStatisticsKernelTests
{
    private const uint CanonicalNaN = 0x7fc00000;

    private static uint[] Run(float[] logits, int sampled, byte[] negate)
    {
        var output = new float[NativeLogitStatistics.OutputCount];
        NativeLogitStatistics.Compute(logits, sampled, negate, output);
        return output.Select(BitConverter.SingleToUInt32Bits).ToArray();
    }

    private static byte[] RandomBits(TestRng rng, int n) => Enumerable.Range(0, (n + 7) / 8).Select(_ => (byte)rng.Next(256)).ToArray();

    private static void AssertSameOnEveryIsa(float[] logits, int sampled, byte[] negate, string what)
    {
        var results = IsaScope.OnEach(() => Run(logits, sampled, negate));
        foreach (var (isa, bits) in results.Skip(1))
            Assert.That(bits, Is.EqualTo(results[0].Result), $"{what}: {isa} differs from {results[0].Isa}");
    }

    [Test]
    public void ScalarAndAvx2GiveIdenticalBits()
    {
        var rng = new TestRng(31);
        int[] sizes = [1, 2, 7, 8, 15, 16, 17, 31, 33, 64, 264, 1000, 2048, 32000, 32003];
        foreach (int n in sizes)
            for (int trial = 0; trial < 4; trial++)
            {
                // Wide and narrow ranges; trial 3 quantises to force ties, repeated maxima and zeros of both signs
                // (MathF.Round of a small negative value is -0).
                float scale = trial switch { 0 => 1f, 1 => 20f, 2 => 80f, _ => 4f };
                float[] logits = rng.Floats(n, scale);
                if (trial == 3)
                    for (int v = 0; v < n; v++) logits[v] = MathF.Round(logits[v]) * (rng.Next(2) == 0 ? 1f : -1f);
                AssertSameOnEveryIsa(logits, rng.Next(n), RandomBits(rng, n), $"n={n} trial={trial}");
            }
    }

    [Test]
    public void AllZeroRowsOfEitherSignAgreeAcrossIsasAndWithEachOther()
    {
        // The maximum is a value: -0 and +0 rows give the same statistics (m is canonicalised to +0).
        var positive = new float[37];
        var negative = Enumerable.Repeat(-0f, 37).ToArray();
        var negate = new byte[5];
        AssertSameOnEveryIsa(positive, 3, negate, "+0 row");
        AssertSameOnEveryIsa(negative, 3, negate, "-0 row");
        Assert.That(Run(negative, 3, negate)[..3], Is.EqualTo(Run(positive, 3, negate)[..3]));
    }

    [TestCase(float.NaN, 0)]
    [TestCase(float.NaN, 40)]
    [TestCase(float.PositiveInfinity, 5)]
    [TestCase(float.NegativeInfinity, 16)]
    [TestCase(float.PositiveInfinity, 40)]
    public void ANonFiniteEntryMakesEveryOutputTheCanonicalNaN(float bad, int position)
    {
        var rng = new TestRng(32);
        float[] logits = rng.Floats(41, 10);
        logits[position] = bad;
        foreach (var (isa, bits) in IsaScope.OnEach(() => Run(logits, 1, RandomBits(new TestRng(1), 41))))
            Assert.That(bits, Is.All.EqualTo(CanonicalNaN), $"isa={isa}");
    }

    [Test]
    public void ARangeBeyondFp32GivesTheSameCanonicalNaNsOnEveryIsa()
    {
        // l - max overflows to -inf: exp gives 0 and 0 * -inf is NaN; which outputs are NaN is fixed by IEEE rules.
        float[] logits = [3e38f, -3e38f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f];
        var negate = new byte[] { 0x55, 0xaa, 0x01 };
        AssertSameOnEveryIsa(logits, 0, negate, "overflowing range");
        uint[] bits = Run(logits, 0, negate);
        Assert.That(bits[1], Is.EqualTo(CanonicalNaN), "entropy");
        Assert.That(bits.Where(b => float.IsNaN(BitConverter.UInt32BitsToSingle(b))), Is.All.EqualTo(CanonicalNaN));
    }

    [Test]
    public void StatisticsMatchAFloat64Softmax()
    {
        var rng = new TestRng(33);
        foreach (int n in new[] { 5, 264, 32000 })
        {
            float[] logits = rng.Floats(n, 15);
            int sampled = rng.Next(n);
            double max = logits.Max(), z = logits.Sum(l => Math.Exp(l - max));
            double lse = max + Math.Log(z);
            double entropy = -logits.Sum(l => Math.Exp(l - lse) * (l - lse));
            double p = Math.Exp(logits[sampled] - lse);
            foreach (var (isa, output) in IsaScope.OnEach(() =>
                     {
                         var output = new float[NativeLogitStatistics.OutputCount];
                         NativeLogitStatistics.Compute(logits, sampled, new byte[(n + 7) / 8], output);
                         return output;
                     }))
            {
                Assert.That(output[0], Is.EqualTo(lse).Within(1e-4).Percent, $"logsumexp n={n} isa={isa}");
                Assert.That(output[1], Is.EqualTo(entropy).Within(1e-3).Percent, $"entropy n={n} isa={isa}");
                Assert.That(output[2], Is.EqualTo(p).Within(1e-3).Percent, $"probability n={n} isa={isa}");
            }
        }
    }

    [Test]
    public void BadArgumentsAreRejectedWithContext()
    {
        var output = new float[NativeLogitStatistics.OutputCount];
        Assert.That(() => NativeLogitStatistics.Compute([], 0, [0], output), Throws.ArgumentException.With.Message.Contains("empty"));
        Assert.That(() => NativeLogitStatistics.Compute([1f, 2f], 2, [0], output), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => NativeLogitStatistics.Compute(new float[9], 0, [0], output), Throws.ArgumentException.With.Message.Contains("needs 2 bytes"));
        Assert.That(() => NativeLogitStatistics.Compute([1f], 0, [0], new float[18]), Throws.ArgumentException.With.Message.Contains("19 floats"));
    }
}
