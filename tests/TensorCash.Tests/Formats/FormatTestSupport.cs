using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.Formats;

/// <summary>Temporary directories, small random models and file surgery for the format tests.</summary>
public static class FormatTestSupport
{
    public static RandomModelSpec SmallSpec(ModelArchitecture arch = ModelArchitecture.Llama) => new()
    {
        Architecture = arch,
        Layers = 2,
        ModelDim = 64,
        Heads = 4,
        KvHeads = 2,
        FeedForwardDim = 96,
        VocabSize = 264,
        Seed = 42,
    };

    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tc-formats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static unsafe byte[] Bytes(TensorView v) => new ReadOnlySpan<byte>((void*)v.Data, checked((int)v.ByteLength)).ToArray();

    /// <summary>Every tensor of a model by HF name (tied output reported once, as the embedding).</summary>
    public static Dictionary<string, TensorView> AllTensors(ModelWeights w)
    {
        var all = new Dictionary<string, TensorView>
        {
            [HfTensorNames.TokenEmbedding] = w.TokenEmbedding,
            [HfTensorNames.OutputNorm] = w.OutputNorm,
        };
        if (!w.Config.TiedEmbeddings) all[HfTensorNames.Output] = w.Output;
        for (int i = 0; i < w.Layers.Count; i++)
        {
            var l = w.Layers[i];
            void Add(string suffix, TensorView? v) { if (v is { } t) all[HfTensorNames.Layer(i, suffix)] = t; }
            Add(HfTensorNames.AttnNorm, l.AttnNorm); Add(HfTensorNames.Wq, l.Wq); Add(HfTensorNames.Wk, l.Wk);
            Add(HfTensorNames.Wv, l.Wv); Add(HfTensorNames.Wo, l.Wo); Add(HfTensorNames.Bq, l.Bq); Add(HfTensorNames.Bk, l.Bk);
            Add(HfTensorNames.Bv, l.Bv); Add(HfTensorNames.FfnNorm, l.FfnNorm); Add(HfTensorNames.WGate, l.WGate);
            Add(HfTensorNames.WUp, l.WUp); Add(HfTensorNames.WDown, l.WDown);
        }
        return all;
    }

    /// <summary>Rewrites a .safetensors header (keeping the data bytes) after <paramref name="edit"/> changes it.</summary>
    public static void EditSafetensorsHeader(string path, Action<JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(bytes.AsSpan(8, headerLength))!.AsObject();
        edit(header);
        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var output = new byte[8 + newHeader.Length + bytes.Length - 8 - headerLength];
        BinaryPrimitives.WriteUInt64LittleEndian(output, (ulong)newHeader.Length);
        newHeader.CopyTo(output, 8);
        bytes.AsSpan(8 + headerLength).CopyTo(output.AsSpan(8 + newHeader.Length));
        File.WriteAllBytes(path, output);
    }

    public static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.SetLength(length);
    }

    /// <summary>Overwrites bytes of a file in place.</summary>
    public static void Patch(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.Position = offset;
        f.Write(bytes);
    }

    /// <summary>Offset of the ggml type field in the GGUF tensor info of <paramref name="tensor"/>.</summary>
    public static long GgufTypeFieldOffset(string path, string tensor, int dims)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(tensor);
        var lengthPrefixed = new byte[8 + name.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthPrefixed, (ulong)name.Length);
        name.CopyTo(lengthPrefixed, 8);
        int at = bytes.AsSpan().IndexOf(lengthPrefixed);
        if (at < 0) throw new InvalidOperationException($"tensor info for {tensor} not found");
        return at + lengthPrefixed.Length + 4 + 8L * dims;
    }
}
