using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using static TensorCash.Tests.Formats.FormatTestSupport;

namespace TensorCash.Tests.Formats;

/// <summary>One test per class of bad input: each builds a good file, breaks it, and checks the error names the file and the tensor or field.</summary>
public class FormatErrorTests
{
    private const string Wv0 = "model.layers.0.self_attn.v_proj.weight";
    private string _dir = "";
    private string _st = "";
    private string _gguf = "";
    private ModelTensors _model = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = NewTempDir();
        _model = RandomModelFactory.Create(SmallSpec());
        _st = Path.Combine(_dir, "model.safetensors");
        _gguf = Path.Combine(_dir, "m.gguf");
    }

    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    private void WriteHf(ModelTensors? model = null) => SafetensorsWriter.Write(model ?? _model, _dir, TensorDType.F32);
    private void WriteGguf(ModelTensors? model = null) => GgufWriter.Write(model ?? _model, _gguf, TensorDType.F32);

    private static ModelFormatException Fails(string spec, string file, params string[] mentions)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(spec).Dispose())!;
        Assert.That(e.Message, Does.Contain(file));
        foreach (string m in mentions) Assert.That(e.Message, Does.Contain(m));
        return e;
    }

    [Test]
    public void TruncatedSafetensors()
    {
        WriteHf();
        Truncate(_st, new FileInfo(_st).Length - 10);
        Fails(_dir, _st, "lm_head.weight", "out of range");
    }

    [Test]
    public void TruncatedGgufData()
    {
        WriteGguf();
        Truncate(_gguf, new FileInfo(_gguf).Length - 100);
        Fails(_gguf, _gguf, "output.weight", "out of range");
    }

    [Test]
    public void TruncatedGgufHeader()
    {
        WriteGguf();
        Truncate(_gguf, 200);
        Fails(_gguf, _gguf, "truncated");
    }

    [Test]
    public void BadGgufMagic()
    {
        WriteGguf();
        Patch(_gguf, 0, "GGML"u8);
        Fails(_gguf, _gguf, "bad magic");
    }

    [Test]
    public void UnsupportedGgufVersion()
    {
        WriteGguf();
        Patch(_gguf, 4, [4, 0, 0, 0]);
        Fails(_gguf, _gguf, "version 4");
    }

    [Test]
    public void MissingTensorSafetensors()
    {
        WriteHf(_model.With(Wv0, null));
        Fails(_dir, Path.Combine(_dir, SafetensorsModelLoader.SingleFileName), Wv0, "missing tensor");
    }

    [Test]
    public void MissingTensorGguf()
    {
        WriteGguf(_model.With(Wv0, null));
        Fails(_gguf, _gguf, "blk.0.attn_v.weight", "missing tensor");
    }

    [Test]
    public void ShapeMismatch()
    {
        WriteHf(_model.With(Wv0, NamedTensor.Of(Wv0, [32, 32], new float[32 * 32])));
        Fails(_dir, _st, Wv0, "shape mismatch", "[32, 32]", "[32, 64]");
    }

    [Test]
    public void ShapeMismatchGguf()
    {
        WriteGguf(_model.With(Wv0, NamedTensor.Of(Wv0, [32, 32], new float[32 * 32])));
        Fails(_gguf, _gguf, "blk.0.attn_v.weight", "shape mismatch");
    }

    [Test]
    public void UnsupportedDTypeSafetensors()
    {
        WriteHf();
        EditSafetensorsHeader(_st, h => h[Wv0]!["dtype"] = "I32");
        Fails(_dir, _st, Wv0, "unsupported dtype I32");
    }

    [Test]
    public void UnsupportedDTypeGguf()
    {
        WriteGguf();
        // Q4_0 (type 2) stores 32 weights in 18 bytes, so the F32 data is more than enough: only the type is wrong.
        Patch(_gguf, GgufTypeFieldOffset(_gguf, "blk.0.attn_v.weight", 2), [2, 0, 0, 0]);
        Fails(_gguf, _gguf, "blk.0.attn_v.weight", "unsupported dtype Q4_0");
    }

    /// <summary>Two tensors sharing bytes: a writer bug or a crafted file; safetensors refuses it, so must GGUF.</summary>
    [Test]
    public void OverlappingGgufTensorData()
    {
        WriteGguf();
        long kOffsetField = GgufTypeFieldOffset(_gguf, "blk.0.attn_k.weight", 2) + 4;
        long vOffsetField = GgufTypeFieldOffset(_gguf, "blk.0.attn_v.weight", 2) + 4;
        var bytes = File.ReadAllBytes(_gguf);
        Patch(_gguf, vOffsetField, bytes.AsSpan((int)kOffsetField, 8));  // V now starts where K does
        var e = Fails(_gguf, _gguf, "overlap");
        Assert.That(e.Message, Does.Contain("blk.0.attn_k.weight").Or.Contain("blk.0.attn_v.weight"));
        Assert.Throws<ModelFormatException>(() => GgufFile.Open(_gguf).Dispose(), "refused when the file is opened");
    }

    /// <summary>ne = [2^31, 2^31] of F32: 2^62 elements fit a long, their 2^64 bytes do not.</summary>
    [Test]
    public void GgufTensorByteCountOverflow()
    {
        WriteGguf();
        long typeField = GgufTypeFieldOffset(_gguf, "blk.0.attn_v.weight", 2);
        var dims = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(dims, 1UL << 31);
        BinaryPrimitives.WriteUInt64LittleEndian(dims.AsSpan(8), 1UL << 31);
        Patch(_gguf, typeField - 16, dims);
        var e = Assert.Throws<ModelFormatException>(() =>
        {
            using var file = GgufFile.Open(_gguf);
            file.Find("blk.0.attn_v.weight");
        })!;
        Assert.That(e.Message, Does.Contain(_gguf).And.Contain("blk.0.attn_v.weight").And.Contain("overflow"));
        Fails(_gguf, _gguf, "blk.0.attn_v.weight", "overflow");
    }

    /// <summary>A checkpoint reached through a symbolic link is the file it points at, not a 40-byte "truncated" one.</summary>
    [Test]
    public void GgufThroughASymbolicLinkLoads()
    {
        WriteGguf();
        string link = Path.Combine(_dir, "link.gguf");
        File.CreateSymbolicLink(link, _gguf);
        using var file = GgufFile.Open(link);
        Assert.That(file.Find("blk.0.attn_v.weight"), Is.Not.Null);
    }

    [Test]
    public void UnsupportedArchitectureHf()
    {
        WriteHf();
        string config = Path.Combine(_dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["model_type"] = "gpt2";
        File.WriteAllText(config, json.ToJsonString());
        Fails(_dir, config, "model_type", "gpt2", "unsupported architecture");
    }

    [Test]
    public void UnsupportedArchitectureGguf()
    {
        WriteGguf();
        var bytes = File.ReadAllBytes(_gguf);
        // Renames every "llama" (the value and the llama.* key prefixes) to a same-length unsupported architecture.
        var patched = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("llama", "mamba"));
        File.WriteAllBytes(_gguf, patched);
        Fails(_gguf, _gguf, "general.architecture", "mamba", "unsupported architecture");
    }

    [Test]
    public void UnsupportedRopeScaling()
    {
        WriteHf();
        string config = Path.Combine(_dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 4.0 };
        File.WriteAllText(config, json.ToJsonString());
        Fails(_dir, config, "rope_scaling.rope_type", "yarn");
    }

    [Test]
    public void OversizedSafetensorsHeader()
    {
        WriteHf();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)SafetensorsFile.MaxHeaderBytes + 1);
        Patch(_st, 0, length);
        Fails(_dir, _st, "header", "exceeds", SafetensorsFile.MaxHeaderBytes.ToString());
    }

    [Test]
    public void OversizedGgufTensorCount()
    {
        WriteGguf();
        var count = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(count, GgufReader.MaxTensorCount + 1);
        Patch(_gguf, 8, count);
        Fails(_gguf, _gguf, "tensor count", GgufReader.MaxTensorCount.ToString());
    }

    [Test]
    public void HugeGgufArrayIsRejectedBeforeAllocating()
    {
        var metadata = new List<KeyValuePair<string, GgufValue>> { new("big", GgufValue.Array(GgufValueType.UInt8, [(byte)1])) };
        using (var f = File.Create(_gguf)) GgufFileWriter.Write(f, metadata, []);
        // The array count sits after magic, version, two counts, the key string and two type fields.
        long countOffset = 4 + 4 + 8 + 8 + (8 + 3) + 4 + 4;
        var count = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(count, 1_000_000);
        Patch(_gguf, countOffset, count);
        var e = Assert.Throws<ModelFormatException>(() => GgufFile.Open(_gguf).Dispose())!;
        Assert.That(e.Message, Does.Contain(_gguf).And.Contain("'big'").And.Contain("past the end"));
    }

    [Test]
    public void BadConfigJson()
    {
        WriteHf();
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{ \"model_type\": ");
        Fails(_dir, Path.Combine(_dir, "config.json"), "not valid JSON");
    }

    [Test]
    public void BadSafetensorsHeaderJson()
    {
        WriteHf();
        Patch(_st, 8, "["u8);
        Fails(_dir, _st, "header is not valid JSON");
    }

    [Test]
    public void MissingConfigField()
    {
        WriteHf();
        string config = Path.Combine(_dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json.Remove("hidden_size");
        File.WriteAllText(config, json.ToJsonString());
        Fails(_dir, config, "'hidden_size'", "missing");
    }

    [Test]
    public void DataOffsetsOutOfRange()
    {
        WriteHf();
        EditSafetensorsHeader(_st, h => h[Wv0]!["data_offsets"] = new JsonArray(0, 1L << 40));
        Fails(_dir, _st, Wv0, "data_offsets", "out of range");
    }

    [Test]
    public void DataOffsetsInconsistentWithShape()
    {
        WriteHf();
        EditSafetensorsHeader(_st, h => h[Wv0]!["shape"] = new JsonArray(32, 63));
        Fails(_dir, _st, Wv0, "data_offsets span");
    }

    [Test]
    public void MissingConfigJson()
    {
        WriteHf();
        File.Delete(Path.Combine(_dir, "config.json"));
        Fails(_dir, Path.Combine(_dir, "config.json"), "missing config.json");
    }

    [Test]
    public void ShardIndexCannotPointOutsideTheDirectory()
    {
        SafetensorsWriter.Write(_model, _dir, TensorDType.F32, shardCount: 2);
        string index = Path.Combine(_dir, SafetensorsModelLoader.IndexFileName);
        var json = JsonNode.Parse(File.ReadAllText(index))!;
        json["weight_map"]![Wv0] = "../../etc/passwd";
        File.WriteAllText(index, json.ToJsonString());
        Fails(_dir, index, Wv0, "invalid shard file");
    }

    [Test]
    public void UnknownModelSpec()
    {
        string missing = Path.Combine(_dir, "nope.gguf");
        Fails(missing, missing, "no such file or directory");
        Fails("builtin:huge", "builtin:huge", "unknown builtin model");
    }
}
