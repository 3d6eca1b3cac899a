using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using static TensorCash.Tests.Formats.FormatTestSupport;

namespace TensorCash.Tests.Formats;

public class SafetensorsRoundTripTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => _dir = NewTempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(TensorDType.F32, 1)]
    [TestCase(TensorDType.BF16, 1)]
    [TestCase(TensorDType.F16, 1)]
    [TestCase(TensorDType.BF16, 3)]
    public void EveryTensorReadsBackAsWritten(TensorDType dtype, int shards)
    {
        var spec = SmallSpec() with { AttentionBias = true, RopeScaling = new Llama3RopeScaling(8, 1, 4, 8192), RopeTheta = 500000 };
        var model = RandomModelFactory.Create(spec);
        SafetensorsWriter.Write(model, _dir, dtype, shards);
        if (shards > 1) Assert.That(File.Exists(Path.Combine(_dir, SafetensorsModelLoader.IndexFileName)));

        using var loaded = ModelLoader.Load(_dir);
        Assert.That(loaded.Config, Is.EqualTo(model.Config));
        var tensors = AllTensors(loaded);
        Assert.That(tensors.Keys, Is.EquivalentTo(model.Tensors.Select(t => t.Name)));
        foreach (var t in model.Tensors)
        {
            var view = tensors[t.Name];
            Assert.That(view.DType, Is.EqualTo(dtype), t.Name);
            Assert.That(view.Shape, Is.EqualTo(t.Shape), t.Name);
            Assert.That(Bytes(view), Is.EqualTo(WeightEncoding.Encode(t.Values(), dtype, t.RowLength)), t.Name);
        }
        Assert.That(loaded.Files, Has.Count.EqualTo(1 + shards));
    }

    [Test]
    public void F32TensorsAreExactlyTheGeneratedFloats()
    {
        var model = RandomModelFactory.Create(SmallSpec());
        SafetensorsWriter.Write(model, _dir, TensorDType.F32);
        using var loaded = ModelLoader.Load(_dir);
        var values = model[HfTensorNames.Layer(1, HfTensorNames.WDown)].Values();
        var view = loaded.Layers[1].WDown;
        Assert.That(WeightEncoding.Decode(Bytes(view), view.DType, view.ElementCount), Is.EqualTo(values));
    }

    [Test]
    public void TiedEmbeddingsShareTheEmbeddingView()
    {
        SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec() with { TiedEmbeddings = true }), _dir, TensorDType.BF16);
        using var loaded = ModelLoader.Load(_dir);
        Assert.That(loaded.Config.TiedEmbeddings);
        Assert.That(loaded.Output, Is.EqualTo(loaded.TokenEmbedding));
    }

    [Test]
    public void Qwen2AlwaysHasBiases()
    {
        SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Qwen2)), _dir, TensorDType.F32);
        using var loaded = ModelLoader.Load(_dir);
        Assert.That(loaded.Config.Architecture, Is.EqualTo(ModelArchitecture.Qwen2));
        Assert.That(loaded.Layers.All(l => l.Bq is not null && l.Bk is not null && l.Bv is not null));
    }

    [Test]
    public void TokenizerJsonIsReportedWhenPresent()
    {
        SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec()), _dir, TensorDType.F32);
        Assert.That(ModelLoader.TokenizerJsonPath(_dir), Is.Null);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), "{}");
        Assert.That(ModelLoader.TokenizerJsonPath(_dir), Is.EqualTo(Path.Combine(_dir, "tokenizer.json")));
    }
}
