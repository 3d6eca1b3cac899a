using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>Builds a <see cref="ModelConfig"/> from GGUF metadata ({arch}.* keys) and tensor shapes.</summary>
public static class GgufConfigReader
{
    public static ModelConfig Read(GgufFile file)
    {
        var m = new GgufMetadataFields(file);
        string arch = m.RequiredString("general.architecture");
        var architecture = arch switch
        {
            "llama" => ModelArchitecture.Llama, // Mistral GGUFs use 'llama' too
            "qwen2" => ModelArchitecture.Qwen2,
            _ => throw new ModelFormatException(file.Path, null, $"unsupported architecture: metadata 'general.architecture' is '{arch}' (supported: llama, qwen2)"),
        };
        var embedding = file.Tensors.FirstOrDefault(t => t.Name == GgufTensorNames.TokenEmbedding)
            ?? throw new ModelFormatException(file.Path, GgufTensorNames.TokenEmbedding, "missing tensor");
        if (embedding.Dims.Length != 2 || embedding.Dims[1] is 0 or > int.MaxValue)
            throw new ModelFormatException(file.Path, GgufTensorNames.TokenEmbedding, $"expected 2 dimensions [dim, vocab], found [{string.Join(", ", embedding.Dims)}]");

        int dim = m.RequiredInt($"{arch}.embedding_length");
        int heads = m.RequiredInt($"{arch}.attention.head_count");
        int headDim = m.OptionalInt($"{arch}.attention.key_length") ?? dim / heads;
        double theta = m.OptionalReal($"{arch}.rope.freq_base") ?? 10000.0;
        return new ModelConfig
        {
            Architecture = architecture,
            LayerCount = m.RequiredInt($"{arch}.block_count"),
            ModelDim = dim,
            HeadCount = heads,
            KvHeadCount = m.OptionalInt($"{arch}.attention.head_count_kv") ?? heads,
            HeadDim = headDim,
            FeedForwardDim = m.RequiredInt($"{arch}.feed_forward_length"),
            VocabSize = (int)embedding.Dims[1],
            MaxSequenceLength = m.RequiredInt($"{arch}.context_length"),
            RmsNormEps = (float)m.RequiredReal($"{arch}.attention.layer_norm_rms_epsilon"),
            RopeTheta = theta,
            RopeScaling = ReadRopeScaling(file, m, arch, theta, headDim),
            TiedEmbeddings = !file.Contains(GgufTensorNames.Output),
            AttentionBias = architecture == ModelArchitecture.Qwen2 || file.Contains("blk.0.attn_q.bias"),
            SlidingWindow = ReadSlidingWindow(file, m, arch, architecture),
        };
    }

    /// <summary>
    /// '{arch}.attention.sliding_window' (llama.cpp's key; W positions, the query's own included). llama.cpp's
    /// converter does not write it for Mistral (arch 'llama'), and llama.cpp ignores it there, so a converted Mistral
    /// 7B v0.1 runs with full attention in both; when present it is honoured. 0 (llama.cpp's "none" for some
    /// architectures) is rejected like any non-positive value: omit the key for no window. Qwen2 files are rejected
    /// with the key, as the engine has no per-layer window (see HfConfigReader).
    /// </summary>
    private static int? ReadSlidingWindow(GgufFile file, GgufMetadataFields m, string arch, ModelArchitecture architecture)
    {
        string key = $"{arch}.attention.sliding_window";
        if (m.Get(key) is not { } value) return null;
        if (value.AsInteger() is not (long window and >= 1 and <= int.MaxValue))
            throw new ModelFormatException(file.Path, null,
                $"metadata '{key}' must be a positive integer up to {int.MaxValue} (the positions a query attends to, itself included; omit it for no window), found {value.Type} {value}");
        if (architecture == ModelArchitecture.Qwen2)
            throw new ModelFormatException(file.Path, null, $"unsupported: metadata '{key}' on a qwen2 model (the engine has no per-layer sliding window)");
        return (int)window;
    }

    private static Llama3RopeScaling? ReadRopeScaling(GgufFile file, GgufMetadataFields m, string arch, double theta, int headDim)
    {
        string? type = m.OptionalString($"{arch}.rope.scaling.type");
        if (type is not (null or "none"))
            throw new ModelFormatException(file.Path, null, $"unsupported rope scaling: metadata '{arch}.rope.scaling.type' is '{type}' (supported: none, or llama3 via {GgufTensorNames.RopeFreqs})");
        var divisors = file.ReadFloats(GgufTensorNames.RopeFreqs);
        if (divisors is null) return null;
        int originalContext = m.OptionalInt($"{arch}.rope.scaling.original_context_length") ?? Llama3RopeFactors.DefaultOriginalContext;
        var (scaling, error) = Llama3RopeFactors.Fit(divisors, theta, headDim, originalContext);
        return error is null ? scaling : throw new ModelFormatException(file.Path, GgufTensorNames.RopeFreqs, $"unsupported rope scaling: {error}");
    }
}
