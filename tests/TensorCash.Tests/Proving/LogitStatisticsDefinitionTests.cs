using System.Buffers.Binary;
using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Interop;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;
using TensorCash.Tests.Native;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Proving;

/// <summary>
/// The capture path's statistics and sketch must be the bits of their definition (docs/protocol/proof-of-inference.md
/// §4.1), transcribed here operation by operation in C# with only the backend exp borrowed from the native library (the
/// backend log is the C# transliteration <see cref="BackendLogDefinition"/>, not libm's).
/// </summary>
public class LogitStatisticsDefinitionTests
{
    private static bool Negated(int v)
    {
        var input = new byte[14];
        "TSC-SKETCH"u8.CopyTo(input);
        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(10), (uint)(v / 256));
        var digest = SHA256.HashData(input);
        return ((digest[v % 256 / 8] >> (v % 8)) & 1) != 0;
    }

    private static double Reduce(double[] lanes)
    {
        var a = (double[])lanes.Clone();
        for (int width = 8; width >= 1; width /= 2)
            for (int l = 0; l < width; l++) a[l] = a[l] + a[l + width];
        return a[0];
    }

    private static StepStatistics Definition(float[] logits, int sampled)
    {
        float m = logits[0];
        foreach (float l in logits) if (l > m) m = l;
        m += 0f;
        var d = logits.Select(l => l - m).ToArray();
        var e = new float[d.Length];
        NativeOps.Exp(d, e);
        double[] s = new double[16], w = new double[16], k = new double[16];
        for (int v = 0; v < logits.Length; v++)
        {
            s[v % 16] += e[v];
            w[v % 16] += (double)e[v] * d[v];
            k[v % 16] += Negated(v) ? -(double)d[v] : d[v];
        }
        double sum = Reduce(s), logSum = BackendLogDefinition.Log(sum);
        static uint Bits(double x) => BitConverter.SingleToUInt32Bits((float)x);
        return new StepStatistics(Bits(m + logSum), Bits(logSum - Reduce(w) / sum), Bits(e[sampled] / sum), k.Select(Bits).ToArray());
    }

    private static void AssertSame(StepStatistics actual, StepStatistics expected, string what)
    {
        Assert.That(actual.LogSumExpBits, Is.EqualTo(expected.LogSumExpBits), $"{what}: logsumexp");
        Assert.That(actual.EntropyBits, Is.EqualTo(expected.EntropyBits), $"{what}: entropy");
        Assert.That(actual.SampledProbabilityBits, Is.EqualTo(expected.SampledProbabilityBits), $"{what}: sampled probability");
        Assert.That(actual.SketchBits, Is.EqualTo(expected.SketchBits), $"{what}: sketch");
    }

    [TestCase(264, 1)]
    [TestCase(1000, 2)]
    [TestCase(300, 3)]
    [TestCase(17, 4)]
    public void StatisticsEqualTheDefinitionBitForBitOnEveryIsa(int vocab, int seed)
    {
        var rng = new TestRng((ulong)seed);
        float[] logits = rng.Floats(vocab, 15);
        int sampled = rng.Next(vocab);
        var sketch = new LogitSketch(vocab);
        foreach (var (isa, statistics) in IsaScope.OnEach(() => LogitStatistics.Compute(logits, sampled, sketch)))
            AssertSame(statistics, Definition(logits, sampled), $"V={vocab} isa={isa}");
    }

    /// <summary>Many random rows: logsumexp and entropy go through the backend log once per row, so their bits pin it
    /// (with S spread over [1, V]) next to the exp and the lane sums.</summary>
    [Test]
    public void RandomRowsEqualTheDefinitionBitForBit()
    {
        var rng = new TestRng(6);
        for (int row = 0; row < 400; row++)
        {
            int vocab = rng.Next(1, 3000);
            float scale = rng.Next(4) switch { 0 => 0.5f, 1 => 4f, 2 => 15f, _ => 60f };
            float[] logits = rng.Floats(vocab, scale);
            int sampled = rng.Next(vocab);
            var sketch = new LogitSketch(vocab);
            AssertSame(LogitStatistics.Compute(logits, sampled, sketch), Definition(logits, sampled), $"row {row} V={vocab} scale={scale}");
        }
    }

    /// <summary>Test vector S1 of docs/protocol/proof-of-inference.md §4.1, also computed by an independent Python transliteration.</summary>
    [Test]
    public void PublishedVectorS1()
    {
        float[] logits = [1.5f, -2f, 0.25f, 3f, 2.75f, -0.5f, 0f, 1f, -1.25f, 2f, 0.5f, -3f, 1.75f, -0.75f, 2.5f, -1.5f, 0.125f, 3f, -2.5f, 0.875f];
        var sketch = new LogitSketch(logits.Length);
        Assert.That(Convert.ToHexString(sketch.NegateBits[..3]), Is.EqualTo("F99A1A"));
        var expected = new StepStatistics(0x40929b9d, 0x400eb1d2, 0x3e529a72,
        [
            0xbfb00000, 0xc0a00000, 0xc1040000, 0x40080000, 0x3e800000, 0x40600000, 0x40400000, 0x40000000,
            0xc0880000, 0x3f800000, 0xc0200000, 0x40c00000, 0x3fa00000, 0xc0700000, 0xbf000000, 0x40900000,
        ]);
        foreach (var (isa, statistics) in IsaScope.OnEach(() => LogitStatistics.Compute(logits, 3, sketch)))
            AssertSame(statistics, expected, $"isa={isa}");
    }

    [Test]
    public void SignPatternIsTheHashStream()
    {
        var sketch = new LogitSketch(700);
        for (int v = 0; v < 700; v++) Assert.That(sketch.Sign(v), Is.EqualTo(Negated(v) ? -1 : 1), $"v={v}");
    }

    [Test]
    public void ChangingAnyOneLogitBelowTheMaximumMovesExactlyItsBucket()
    {
        var rng = new TestRng(5);
        const int vocab = 1000;
        float[] logits = rng.Floats(vocab, 10);
        logits[0] = 20f; // the maximum stays put, so only entry v's term changes
        var sketch = new LogitSketch(vocab);
        var before = LogitStatistics.Compute(logits, 0, sketch);
        foreach (int v in new[] { 1, 15, 16, 517, 999 })
        {
            float[] edited = (float[])logits.Clone();
            edited[v] -= 0.5f;
            var after = LogitStatistics.Compute(edited, 0, sketch);
            for (int j = 0; j < StepStatistics.SketchLength; j++)
                Assert.That(after.SketchBits[j] != before.SketchBits[j], Is.EqualTo(j == v % 16), $"entry {v}, bucket {j}");
        }
    }

    [Test]
    public void VocabularyMismatchIsRejected() =>
        Assert.That(() => LogitStatistics.Compute(new float[10], 0, new LogitSketch(11)), Throws.ArgumentException.With.Message.Contains("expected 11 logits"));
}
