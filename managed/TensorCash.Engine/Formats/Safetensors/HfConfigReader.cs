using System.Text.Json;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Safetensors;

/// <summary>Reads a Hugging Face config.json into a <see cref="ModelConfig"/>.</summary>
public static class HfConfigReader
{
    public const string FileName = "config.json";
    /// <summary>DoS limit: config.json files are a few KB; anything this large is not one.</summary>
    public const long MaxConfigBytes = 16L * 1024 * 1024;

    public static ModelConfig Read(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new ModelFormatException(path, null, "missing config.json (a Hugging Face model directory needs one)");
        if (new FileInfo(path).Length > MaxConfigBytes)
            throw new ModelFormatException(path, null, $"config.json is larger than the {MaxConfigBytes}-byte limit");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, null, "config.json is not a JSON object");
            return Parse(path, doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, null, $"config.json is not valid JSON: {e.Message}", e);
        }
    }

    public static ModelConfig Parse(string path, JsonElement root)
    {
        var fields = new JsonFields(path, root);
        string modelType = fields.RequiredString("model_type");
        var architecture = modelType switch
        {
            "llama" => ModelArchitecture.Llama,
            "mistral" => ModelArchitecture.Mistral,
            "qwen2" => ModelArchitecture.Qwen2,
            _ => throw new ModelFormatException(path, null, $"unsupported architecture: field 'model_type' is '{modelType}' (supported: llama, mistral, qwen2)"),
        };
        int dim = fields.RequiredInt("hidden_size");
        int heads = fields.RequiredInt("num_attention_heads");
        if (dim % heads != 0 && fields.OptionalInt("head_dim") is null)
            throw new ModelFormatException(path, null, $"field 'hidden_size' ({dim}) is not a multiple of 'num_attention_heads' ({heads}) and there is no 'head_dim'");
        return new ModelConfig
        {
            Architecture = architecture,
            LayerCount = fields.RequiredInt("num_hidden_layers"),
            ModelDim = dim,
            HeadCount = heads,
            KvHeadCount = fields.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = fields.OptionalInt("head_dim") ?? dim / heads,
            FeedForwardDim = fields.RequiredInt("intermediate_size"),
            VocabSize = fields.RequiredInt("vocab_size"),
            MaxSequenceLength = fields.RequiredInt("max_position_embeddings"),
            RmsNormEps = (float)(fields.OptionalDouble("rms_norm_eps") ?? 1e-6),
            RopeTheta = fields.OptionalDouble("rope_theta") ?? 10000.0,
            RopeScaling = ReadRopeScaling(path, root),
            TiedEmbeddings = fields.OptionalBool("tie_word_embeddings") ?? false,
            // Qwen2 always has q/k/v biases; Llama declares them with attention_bias.
            AttentionBias = architecture == ModelArchitecture.Qwen2 || (fields.OptionalBool("attention_bias") ?? false),
            SlidingWindow = ReadSlidingWindow(path, root, architecture, fields),
        };
    }

    /// <summary>Hugging Face's MistralConfig default when config.json has no 'sliding_window' key (Mistral 7B v0.1's window).</summary>
    public const int MistralDefaultSlidingWindow = 4096;

    /// <summary>
    /// Mistral: 'sliding_window' as transformers' MistralConfig reads it: absent = its default 4096, null = no window, else
    /// a positive integer (MistralConfig has no 'use_sliding_window'; transformers ignores one). Qwen2 slides only from
    /// layer 'max_window_layers' on, which the engine does not implement, so 'use_sliding_window': true is rejected rather
    /// than run wrong. Llama has no sliding window.
    /// </summary>
    private static int? ReadSlidingWindow(string path, JsonElement root, ModelArchitecture architecture, JsonFields fields)
    {
        switch (architecture)
        {
            case ModelArchitecture.Mistral:
                if (!root.TryGetProperty("sliding_window", out var value)) return MistralDefaultSlidingWindow;
                if (value.ValueKind == JsonValueKind.Null) return null;
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int window) && window >= 1
                    ? window
                    : throw new ModelFormatException(path, null,
                        $"field 'sliding_window' must be null (no window) or a positive integer up to {int.MaxValue} (the positions a query attends to, itself included), found {value.GetRawText()}");
            case ModelArchitecture.Qwen2:
                if (fields.OptionalBool("use_sliding_window") == true)
                    throw new ModelFormatException(path, null,
                        "unsupported: field 'use_sliding_window' is true (Qwen2's sliding window applies from layer 'max_window_layers' on, which the engine does not implement)");
                return null;
            default:
                return null;
        }
    }

    private static Llama3RopeScaling? ReadRopeScaling(string path, JsonElement root)
    {
        if (!root.TryGetProperty("rope_scaling", out var scaling) || scaling.ValueKind == JsonValueKind.Null) return null;
        if (scaling.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, null, "field 'rope_scaling' is not an object");
        var fields = new JsonFields(path, scaling, "rope_scaling.");
        string type = fields.OptionalString("rope_type") ?? fields.OptionalString("type")
            ?? throw new ModelFormatException(path, null, "field 'rope_scaling' has neither 'rope_type' nor 'type'");
        if (type == "default") return null;
        if (type != "llama3")
            throw new ModelFormatException(path, null, $"unsupported rope scaling: field 'rope_scaling.rope_type' is '{type}' (supported: llama3)");
        return new Llama3RopeScaling(
            fields.RequiredDouble("factor"), fields.RequiredDouble("low_freq_factor"), fields.RequiredDouble("high_freq_factor"),
            fields.RequiredInt("original_max_position_embeddings"));
    }

    /// <summary>Typed access to JSON fields with errors that name the field.</summary>
    private readonly struct JsonFields(string path, JsonElement obj, string prefix = "")
    {
        private JsonElement? Get(string name) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        private ModelFormatException Bad(string name, string problem) => new(path, null, $"field '{prefix}{name}' {problem}");

        public int? OptionalInt(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n > 0 ? n : throw Bad(name, $"must be a positive integer, found {v.GetRawText()}")
            : null;
        public int RequiredInt(string name) => OptionalInt(name) ?? throw Bad(name, "is missing");

        public double? OptionalDouble(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad(name, $"must be a number, found {v.GetRawText()}")
            : null;
        public double RequiredDouble(string name) => OptionalDouble(name) ?? throw Bad(name, "is missing");

        public bool? OptionalBool(string name) => Get(name) is { } v
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Bad(name, $"must be true or false, found {v.GetRawText()}")
            : null;

        public string? OptionalString(string name) => Get(name) is { } v
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(name, $"must be a string, found {v.GetRawText()}")
            : null;
        public string RequiredString(string name) => OptionalString(name) ?? throw Bad(name, "is missing");
    }
}
