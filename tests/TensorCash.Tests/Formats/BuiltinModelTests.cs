using System.Diagnostics;
using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using static TensorCash.Tests.Formats.FormatTestSupport;

namespace TensorCash.Tests.Formats;

public class BuiltinModelTests
{
    [Test]
    public void TinyLoadsQuicklyWithItsDeclaredShape()
    {
        var clock = Stopwatch.StartNew();
        using var tiny = ModelLoader.Load(BuiltinModels.TinyName);
        clock.Stop();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(tiny.Source, Is.EqualTo(BuiltinModels.TinyName));
        Assert.That(tiny.Config.VocabSize, Is.EqualTo(BuiltinModels.TinyVocabSize));
        Assert.That(BuiltinModels.TinyVocabSize, Is.GreaterThan(BuiltinModels.TinyEosId).And.EqualTo(264));
        Assert.That(tiny.Config.LayerCount, Is.EqualTo(4));
        Assert.That(tiny.Output, Is.EqualTo(tiny.TokenEmbedding));
    }

    [Test]
    public void TinyIsTheSameOnEveryLoad()
    {
        using var a = ModelLoader.Load(BuiltinModels.TinyName);
        using var b = ModelLoader.Load(BuiltinModels.TinyName);
        var bt = AllTensors(b);
        foreach (var (name, view) in AllTensors(a)) Assert.That(Bytes(view), Is.EqualTo(Bytes(bt[name])), name);
    }

    [Test]
    public void RandomModelFilesAreReproducibleByteForByte()
    {
        // Pinned digest: changes only if the generator or the writer changes, which would break reproducibility.
        string dir = NewTempDir();
        try
        {
            SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec()), dir, TensorDType.BF16);
            string digest = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "model.safetensors"))));
            Assert.That(digest, Is.EqualTo(ExpectedSmallBf16Digest));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string ExpectedSmallBf16Digest = "F680881959FC40E763BFEA33768EA5BC6132B451B77CB7344085C2611C6038FF";

    [Test]
    public void ActivationScaleIsSane()
    {
        var model = RandomModelFactory.Create(SmallSpec());
        var wq = model[HfTensorNames.Layer(0, HfTensorNames.Wq)].Values();
        double std = Math.Sqrt(wq.Average(v => (double)v * v));
        Assert.That(std, Is.EqualTo(1 / Math.Sqrt(64)).Within(0.01));
        Assert.That(model[HfTensorNames.OutputNorm].Values(), Is.All.InRange(0.8f, 1.2f));
    }

    [Test]
    public void InspectorCountsParametersAndFlops()
    {
        using var tiny = ModelLoader.Load(BuiltinModels.TinyName);
        var info = ModelInspector.Inspect(tiny);
        long d = 128, ff = 352, q = 128, kv = 64, vocab = 264;
        long perLayer = 2 * d + q * d + 2 * kv * d + d * q + 3 * ff * d;
        Assert.That(info.ParameterCount, Is.EqualTo(vocab * d + d + 4 * perLayer));
        Assert.That(info.ParametersByDType, Is.EquivalentTo(new Dictionary<TensorDType, long> { [TensorDType.F32] = info.ParameterCount }));
        long matmul = vocab * d + 4 * (q * d + 2 * kv * d + d * q + 3 * ff * d);
        Assert.That(info.MatmulFlopsPerToken, Is.EqualTo(2 * matmul));
        Assert.That(info.FlopsPerToken(9), Is.EqualTo(2 * matmul + 4 * 4 * 4 * 32 * 10));
        Assert.That(info.TiedEmbeddings);
        Assert.That(info.WeightBytes, Is.EqualTo(4 * info.ParameterCount));
    }
}
