using NUnit.Framework;
using TensorCash.Cli.Bench;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.Cli;

public class BenchHelpersTests
{
    private static TensorView View(string name, long rows, long cols, int bytesPerElement, nint data) =>
        new(name, TensorDType.F32, [rows, cols], data, rows * cols * bytesPerElement);

    private static ModelWeights Weights(bool tied)
    {
        var config = new ModelConfig
        {
            Architecture = ModelArchitecture.Llama, LayerCount = 2, ModelDim = 8, HeadCount = 2, KvHeadCount = 1, HeadDim = 4,
            FeedForwardDim = 16, VocabSize = 10, MaxSequenceLength = 32, RmsNormEps = 1e-5f, RopeTheta = 10000, TiedEmbeddings = tied,
        };
        var embedding = View("embed", 10, 8, 4, 1000);
        var output = tied ? embedding : View("output", 10, 8, 4, 2000);
        var layer = new LayerWeights(View("an", 1, 8, 4, 1), View("q", 8, 8, 4, 1), View("k", 4, 8, 4, 1), View("v", 4, 8, 4, 1), View("o", 8, 8, 4, 1),
            null, View("bk", 1, 4, 4, 1), null, View("fn", 1, 8, 4, 1), View("g", 16, 8, 4, 1), View("u", 16, 8, 4, 1), View("d", 8, 16, 4, 1));
        return new ModelWeights(config, embedding, View("norm", 1, 8, 4, 1), output, [layer, layer], "test", [], []);
    }

    [Test]
    public void DecodeTrafficCountsEveryLayerTheHeadAndOneEmbeddingRow()
    {
        // Per layer: norms 2*8, q 64, k 32, v 32, o 64, bias 4, gate/up/down 3*128 = 596 floats.
        long layers = 2 * 596 * 4, head = 10 * 8 * 4, norm = 8 * 4, row = 8 * 4;
        Assert.That(DecodeTraffic.WeightBytesPerToken(Weights(tied: false)), Is.EqualTo(layers + head + norm + row));
        Assert.That(DecodeTraffic.WeightBytesPerToken(Weights(tied: true)), Is.EqualTo(layers + head + norm));
    }

    [Test]
    public void MemoryBandwidthIsAPlausibleRate()
    {
        double bytesPerSecond = MemoryBandwidth.MeasureReadBytesPerSecond(32 << 20, threads: 2, runs: 3);
        Assert.That(bytesPerSecond, Is.GreaterThan(1e8).And.LessThan(1e13)); // 0.1 GB/s .. 10 TB/s
    }

    [Test]
    public void MemoryBandwidthRejectsABufferTooSmallToSplit() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryBandwidth.MeasureReadBytesPerSecond(64, threads: 4));
}
