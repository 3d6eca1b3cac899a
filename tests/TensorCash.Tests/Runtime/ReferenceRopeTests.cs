using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Runtime;

/// <summary>
/// The float64 reference derives its RoPE frequencies on its own (exp(-2i/d ln theta), its own llama3 rescaling) rather
/// than taking the backend's RopeFrequencies, so a mistake there shows up as a disagreement instead of being shared.
/// </summary>
public class ReferenceRopeTests
{
    private static ModelConfig Config(int headDim, double theta, Llama3RopeScaling? scaling = null) => new()
    {
        Architecture = ModelArchitecture.Llama, LayerCount = 1, ModelDim = 64, HeadCount = 1, KvHeadCount = 1, HeadDim = headDim,
        FeedForwardDim = 64, VocabSize = 8, MaxSequenceLength = 8, RmsNormEps = 1e-5f, RopeTheta = theta, RopeScaling = scaling,
    };

    [TestCase(8, 10000.0)]
    [TestCase(64, 10000.0)]
    [TestCase(128, 500000.0)]
    [TestCase(128, 1000000.0)]
    [TestCase(80, 1234.5)]
    public void BackendAndReferenceFrequenciesAgreeTo1e14Relative(int headDim, double theta)
    {
        foreach (Llama3RopeScaling? scaling in new[] { null, new Llama3RopeScaling(8, 1, 4, 8192), new Llama3RopeScaling(32, 1, 4, 1024) })
        {
            double[] backend = RopeFrequencies.Compute(Config(headDim, theta, scaling));
            double[] reference = ReferenceRope.InverseFrequencies(Config(headDim, theta, scaling));
            Assert.That(reference, Has.Length.EqualTo(backend.Length));
            for (int i = 0; i < backend.Length; i++)
                Assert.That(Math.Abs(reference[i] / backend[i] - 1), Is.LessThan(1e-14), $"i={i} scaling={scaling}");
        }
    }

    [Test]
    public void TheReferenceTransformerUsesItsOwnFrequencies()
    {
        ModelConfig c = Config(128, 500000, new Llama3RopeScaling(8, 1, 4, 8192));
        Assert.That(ReferenceTransformer.InverseFrequenciesFor(c), Is.EqualTo(ReferenceRope.InverseFrequencies(c)));
        Assert.That(ReferenceTransformer.InverseFrequenciesFor(c), Is.Not.EqualTo(RopeFrequencies.Compute(c)),
            "different routines round differently somewhere; identical arrays would suggest the reference reuses the backend's");
    }
}
