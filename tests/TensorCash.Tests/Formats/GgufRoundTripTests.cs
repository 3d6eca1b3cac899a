using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using static TensorCash.Tests.Formats.FormatTestSupport;

namespace TensorCash.Tests.Formats;

public class GgufRoundTripTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => _dir = NewTempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(ModelArchitecture.Llama, TensorDType.F32)]
    [TestCase(ModelArchitecture.Llama, TensorDType.F16)]
    [TestCase(ModelArchitecture.Llama, TensorDType.BF16)]
    [TestCase(ModelArchitecture.Llama, TensorDType.Q8_0)]
    [TestCase(ModelArchitecture.Qwen2, TensorDType.Q8_0)]
    [TestCase(ModelArchitecture.Qwen2, TensorDType.BF16)]
    public void EveryTensorReadsBackAsWritten(ModelArchitecture arch, TensorDType dtype)
    {
        var spec = SmallSpec(arch) with { AttentionBias = true, FeedForwardDim = 80 }; // 80: down_proj rows are not whole Q8_0 blocks
        var model = RandomModelFactory.Create(spec);
        string path = Path.Combine(_dir, "m.gguf");
        GgufWriter.Write(model, path, dtype);

        using var loaded = ModelLoader.Load(path);
        Assert.That(loaded.Config, Is.EqualTo(model.Config));
        var got = AllTensors(loaded);
        Assert.That(got.Keys, Is.EquivalentTo(model.Tensors.Select(t => t.Name)));
        foreach (var t in model.Tensors)
        {
            var stored = GgufWriter.StoredDType(t, dtype);
            Assert.That(got[t.Name].DType, Is.EqualTo(stored), t.Name);
            Assert.That(got[t.Name].Shape, Is.EqualTo(t.Shape), t.Name);
            Assert.That(Bytes(got[t.Name]), Is.EqualTo(WeightEncoding.Encode(t.Values(), stored, t.RowLength)), t.Name);
        }
        Assert.That(got[HfTensorNames.Layer(0, HfTensorNames.WDown)].DType, Is.EqualTo(dtype == TensorDType.Q8_0 ? TensorDType.F16 : dtype));
    }

    [Test]
    public void Q8InMemoryModelEqualsTheGgufFile()
    {
        var model = RandomModelFactory.Create(SmallSpec());
        string path = Path.Combine(_dir, "m.gguf");
        GgufWriter.Write(model, path, TensorDType.Q8_0);
        using var loaded = ModelLoader.Load(path);
        using var memory = InMemoryModel.Build(model, TensorDType.Q8_0, "memory");
        var got = AllTensors(loaded);
        foreach (var (name, view) in AllTensors(memory))
        {
            Assert.That(got[name].DType, Is.EqualTo(view.DType), name);
            Assert.That(Bytes(got[name]), Is.EqualTo(Bytes(view)), name);
        }
    }

    [Test]
    public void GgufAndSafetensorsOfTheSameModelHoldIdenticalWeights()
    {
        var spec = SmallSpec() with { TiedEmbeddings = true };
        var model = RandomModelFactory.Create(spec);
        string gguf = Path.Combine(_dir, "m.gguf"), hf = Path.Combine(_dir, "hf");
        GgufWriter.Write(model, gguf, TensorDType.F32);
        SafetensorsWriter.Write(model, hf, TensorDType.F32);
        using var a = ModelLoader.Load(gguf);
        using var b = ModelLoader.Load(hf);
        Assert.That(a.Config, Is.EqualTo(b.Config));
        var bt = AllTensors(b);
        foreach (var (name, view) in AllTensors(a)) Assert.That(Bytes(view), Is.EqualTo(Bytes(bt[name])), name);
    }

    [Test]
    public void LlamaQkRowsArePermutedOnDiskAndRestoredOnLoad()
    {
        var model = RandomModelFactory.Create(SmallSpec() with { AttentionBias = true });
        string path = Path.Combine(_dir, "m.gguf");
        GgufWriter.Write(model, path, TensorDType.F32);
        int headDim = model.Config.HeadDim;
        using (var raw = GgufFile.Open(path))
        {
            foreach (var (hf, gguf) in new[] { (HfTensorNames.Wq, "attn_q.weight"), (HfTensorNames.Wk, "attn_k.weight"), (HfTensorNames.Bk, "attn_k.bias") })
            {
                var original = model[HfTensorNames.Layer(1, hf)];
                var stored = raw.ReadFloats($"blk.1.{gguf}")!;
                int cols = original.Shape.Length == 1 ? 1 : (int)original.Shape[1];
                var values = original.Values();
                for (int g = 0; g < original.Shape[0]; g++)
                {
                    int h = LlamaQkPermutation.HfRowOf(g, headDim);
                    Assert.That(stored.AsSpan(g * cols, cols).ToArray(), Is.EqualTo(values.AsSpan(h * cols, cols).ToArray()), $"{gguf} row {g}");
                }
            }
        }
        using var loaded = ModelLoader.Load(path);
        Assert.That(Bytes(loaded.Layers[1].Wq), Is.EqualTo(WeightEncoding.Encode(model[HfTensorNames.Layer(1, HfTensorNames.Wq)].Values(), TensorDType.F32, 64)));
    }

    [Test]
    public void PermutationMatchesTheConverterLayout()
    {
        // head_dim 4: GGUF rows (2j + s) hold HF rows (s * 2 + j): 0, 2, 1, 3 in each head.
        Assert.That(Enumerable.Range(0, 8).Select(g => LlamaQkPermutation.HfRowOf(g, 4)), Is.EqualTo(new[] { 0, 2, 1, 3, 4, 6, 5, 7 }));
        var hf = Enumerable.Range(0, 8).Select(i => (byte)i).ToArray();
        var gguf = new byte[8];
        var back = new byte[8];
        LlamaQkPermutation.HfToGguf(hf, gguf, rows: 8, headCount: 2);
        LlamaQkPermutation.GgufToHf(gguf, back, rows: 8, headCount: 2);
        Assert.That(gguf, Is.EqualTo(new byte[] { 0, 2, 1, 3, 4, 6, 5, 7 }));
        Assert.That(back, Is.EqualTo(hf));
    }

    [Test]
    public void Qwen2RowsAreNotPermuted()
    {
        var model = RandomModelFactory.Create(SmallSpec(ModelArchitecture.Qwen2));
        string path = Path.Combine(_dir, "m.gguf");
        GgufWriter.Write(model, path, TensorDType.F32);
        using var raw = GgufFile.Open(path);
        Assert.That(raw.ReadFloats("blk.0.attn_q.weight"), Is.EqualTo(model[HfTensorNames.Layer(0, HfTensorNames.Wq)].Values()));
    }

    [TestCase(8192)]
    [TestCase(4096)]
    public void Llama3RopeScalingSurvivesTheRopeFreqsTensor(int originalContext)
    {
        var scaling = new Llama3RopeScaling(8, 1, 4, originalContext);
        var spec = SmallSpec() with { ModelDim = 256, Heads = 2, KvHeads = 1, RopeTheta = 500000, RopeScaling = scaling, Layers = 1 };
        string path = Path.Combine(_dir, "m.gguf");
        GgufWriter.Write(RandomModelFactory.Create(spec), path, TensorDType.BF16);
        using var loaded = ModelLoader.Load(path);
        Assert.That(loaded.Config.RopeScaling, Is.EqualTo(scaling));
    }

    [Test]
    public void ByteLevelVocabularyCoversTheModelVocabulary()
    {
        var v = GgufVocabulary.ByteLevel(264);
        Assert.That(v.Tokens, Has.Length.EqualTo(264).And.Unique);
        Assert.That((v.BosId, v.EosId), Is.EqualTo((BuiltinModels.TinyBosId, BuiltinModels.TinyEosId)));
        Assert.That(v.Tokens['A'], Is.EqualTo("A"));
        Assert.That(v.Tokens[' '], Is.EqualTo("\u0120")); // GPT-2 spells the space byte as 'Ġ'
    }
}
