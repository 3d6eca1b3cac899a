using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// Writes a model as GGUF v3 laid out like llama.cpp's HF converter output: llama.cpp tensor names,
/// Q/K rows permuted for arch 'llama', 1-D tensors (norms, biases) kept F32, llama3 rope scaling as a
/// rope_freqs.weight tensor, and tokenizer metadata so llama.cpp itself can load the file.
/// </summary>
public static class GgufWriter
{
    public static void Write(ModelTensors model, string path, TensorDType dtype, GgufVocabulary? vocabulary = null)
    {
        var c = model.Config;
        string arch = ArchitectureName(c.Architecture);
        bool permute = arch == "llama";
        var tensors = new List<GgufTensorData>();
        if (c.RopeScaling is { } scaling)
        {
            var divisors = Llama3RopeFactors.Compute(scaling, c.RopeTheta, c.HeadDim);
            tensors.Add(Encode(GgufTensorNames.RopeFreqs, [divisors.Length], TensorDType.F32, () => divisors));
        }
        foreach (var t in model.Tensors)
        {
            var stored = StoredDType(t, dtype);
            int heads = !permute ? 0 : GgufTensorNames.IsQuery(t.Name) ? c.HeadCount : GgufTensorNames.IsKey(t.Name) ? c.KvHeadCount : 0;
            Func<float[]> values = heads == 0 ? t.Values : () => PermuteRows(t, heads);
            tensors.Add(Encode(GgufTensorNames.FromHf(t.Name), t.Shape, stored, values));
        }

        var metadata = new List<KeyValuePair<string, GgufValue>>
        {
            new("general.architecture", GgufValue.Of(arch)),
            new("general.name", GgufValue.Of("tensorcash")),
            new("general.file_type", GgufValue.Of(FileType(dtype))),
            new($"{arch}.context_length", GgufValue.Of((uint)c.MaxSequenceLength)),
            new($"{arch}.embedding_length", GgufValue.Of((uint)c.ModelDim)),
            new($"{arch}.block_count", GgufValue.Of((uint)c.LayerCount)),
            new($"{arch}.feed_forward_length", GgufValue.Of((uint)c.FeedForwardDim)),
            new($"{arch}.attention.head_count", GgufValue.Of((uint)c.HeadCount)),
            new($"{arch}.attention.head_count_kv", GgufValue.Of((uint)c.KvHeadCount)),
            new($"{arch}.attention.key_length", GgufValue.Of((uint)c.HeadDim)),
            new($"{arch}.attention.value_length", GgufValue.Of((uint)c.HeadDim)),
            new($"{arch}.attention.layer_norm_rms_epsilon", GgufValue.Of(c.RmsNormEps)),
            new($"{arch}.rope.freq_base", GgufValue.Of((float)c.RopeTheta)),
            new($"{arch}.rope.dimension_count", GgufValue.Of((uint)c.HeadDim)),
            new($"{arch}.vocab_size", GgufValue.Of((uint)c.VocabSize)),
        };
        if (c.SlidingWindow is { } window)
            metadata.Add(new($"{arch}.attention.sliding_window", GgufValue.Of((uint)window)));
        if (c.RopeScaling is { } s)
            metadata.Add(new($"{arch}.rope.scaling.original_context_length", GgufValue.Of((uint)s.OriginalMaxPositionEmbeddings)));
        metadata.AddRange((vocabulary ?? GgufVocabulary.ByteLevel(c.VocabSize)).Metadata());

        using var file = File.Create(path);
        GgufFileWriter.Write(file, metadata, tensors);
    }

    /// <summary>Like the converter: 1-D tensors stay F32, and rows that do not fill whole Q8_0 blocks fall back to F16.</summary>
    public static TensorDType StoredDType(NamedTensor t, TensorDType dtype) => StoredDType(t.Shape, dtype);

    /// <inheritdoc cref="StoredDType(NamedTensor, TensorDType)"/>
    public static TensorDType StoredDType(long[] shape, TensorDType dtype) =>
        shape.Length == 1 ? TensorDType.F32
        : dtype == TensorDType.Q8_0 && shape[^1] % DTypeSizes.Q8BlockElements != 0 ? TensorDType.F16
        : dtype;

    public static string ArchitectureName(ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Llama or ModelArchitecture.Mistral => "llama",
        ModelArchitecture.Qwen2 => "qwen2",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };

    /// <summary>llama_ftype of the file's main weights.</summary>
    private static uint FileType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 0,
        TensorDType.F16 => 1,
        TensorDType.Q8_0 => 7,
        TensorDType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    private static GgufTensorData Encode(string name, long[] hfShape, TensorDType dtype, Func<float[]> values)
    {
        long elements = hfShape.Aggregate(1L, (a, b) => a * b);
        int rowLength = checked((int)hfShape[^1]);
        long size = DTypeSizes.ByteCount(dtype, elements, rowLength)!.Value;
        return new GgufTensorData(name, hfShape.Reverse().Select(d => (ulong)d).ToArray(), GgmlType.FromDType(dtype), size,
            () => WeightEncoding.Encode(values(), dtype, rowLength));
    }

    private static float[] PermuteRows(NamedTensor t, int heads)
    {
        var hf = t.Values();
        var gguf = new float[hf.Length];
        int rows = checked((int)t.Shape[0]);
        LlamaQkPermutation.HfToGguf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(hf.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(gguf.AsSpan()), rows, heads);
        return gguf;
    }
}
