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
}
