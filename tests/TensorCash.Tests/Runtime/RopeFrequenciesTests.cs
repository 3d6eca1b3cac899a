using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Runtime;

public class RopeFrequenciesTests
{
    private static ModelConfig Config(int headDim, double theta, Llama3RopeScaling? scaling = null) => new()
    {
        Architecture = ModelArchitecture.Llama, LayerCount = 1, ModelDim = 64, HeadCount = 1, KvHeadCount = 1, HeadDim = headDim,
        FeedForwardDim = 64, VocabSize = 8, MaxSequenceLength = 8, RmsNormEps = 1e-5f, RopeTheta = theta, RopeScaling = scaling,
    };

    [Test]
    public void UnscaledFrequenciesAreThetaToTheMinusTwoIOverHeadDim()
    {
        double[] inv = RopeFrequencies.Compute(Config(8, 10000));
        Assert.That(inv, Is.EqualTo(new[] { 1.0, 0.1, 0.01, 0.001 }).Within(1e-15));
    }

    [Test]
    public void Llama3ScalingKeepsHighDividesLowAndBlendsTheBandBetween()
    {
        var scaling = new Llama3RopeScaling(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192);
        double[] plain = RopeFrequencies.Compute(Config(128, 500000));
        double[] scaled = RopeFrequencies.Compute(Config(128, 500000, scaling));
        int kept = 0, divided = 0, blended = 0;
        for (int i = 0; i < plain.Length; i++)
        {
            double wavelen = 2 * Math.PI / plain[i];
            if (wavelen < 8192 / 4.0) { Assert.That(scaled[i], Is.EqualTo(plain[i])); kept++; }
            else if (wavelen > 8192 / 1.0) { Assert.That(scaled[i], Is.EqualTo(plain[i] / 8).Within(1e-18)); divided++; }
            else { Assert.That(scaled[i], Is.InRange(plain[i] / 8, plain[i])); blended++; }
        }
        Assert.That(kept, Is.GreaterThan(0));
        Assert.That(divided, Is.GreaterThan(0));
        Assert.That(blended, Is.GreaterThan(0));
        for (int i = 1; i < scaled.Length; i++) Assert.That(scaled[i], Is.LessThan(scaled[i - 1]), "frequencies stay strictly decreasing");
    }

    [Test]
    public void InvalidScalingIsRejected()
    {
        var bad = new Llama3RopeScaling(Factor: 8, LowFreqFactor: 4, HighFreqFactor: 1, OriginalMaxPositionEmbeddings: 8192);
        Assert.That(() => RopeFrequencies.Compute(Config(16, 10000, bad)), Throws.ArgumentException.With.Message.Contains("llama3"));
    }

    /// <summary>
    /// The frequencies feed every logit that consensus replays, so their bits are pinned: a platform whose arithmetic (or a
    /// change to DeterministicMath.Pow or the rescaling) gives other bits fails here rather than in a block.
    /// </summary>
    [Test]
    public void BitsArePinned()
    {
        double[] plain = RopeFrequencies.Compute(Config(64, 10000));
        double[] scaled = RopeFrequencies.Compute(Config(128, 500000, new Llama3RopeScaling(8, 1, 4, 8192)));
        ulong[] actual = [.. new[] { 1, 7, 31 }.Select(i => BitConverter.DoubleToUInt64Bits(plain[i])),
                          .. new[] { 1, 20, 40, 47, 63 }.Select(i => BitConverter.DoubleToUInt64Bits(scaled[i]))];
        // Recorded 2026-12-03 (x86-64 Linux, .NET 10); plain[1] = 10000^(-1/32) = 0.74989..., plain[31] = 1.33e-4.
        ulong[] expected = [0x3fe7ff2224115d9a, 0x3fc111aedafb9a9d, 0x3f217a8e301c4436,
                            0x3fea115829457fbe, 0x3f90f53852389081, 0x3f01f91ef20d667d, 0x3ee11d41f32c72e4, 0x3e94985fec80a8cb];
        Assert.That(string.Join(", ", actual.Select(b => $"0x{b:x16}")), Is.EqualTo(string.Join(", ", expected.Select(b => $"0x{b:x16}"))));
    }
}
