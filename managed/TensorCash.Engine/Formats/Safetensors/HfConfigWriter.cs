using System.Text.Json;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Safetensors;

/// <summary>Writes a <see cref="ModelConfig"/> as a Hugging Face config.json (the inverse of <see cref="HfConfigReader"/>).</summary>
public static class HfConfigWriter
{
    public static void Write(ModelConfig c, string directory, TensorDType dtype)
    {
        using var stream = File.Create(Path.Combine(directory, HfConfigReader.FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var (modelType, className) = c.Architecture switch
        {
            ModelArchitecture.Llama => ("llama", "LlamaForCausalLM"),
            ModelArchitecture.Mistral => ("mistral", "MistralForCausalLM"),
            ModelArchitecture.Qwen2 => ("qwen2", "Qwen2ForCausalLM"),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Architecture, "unknown architecture"),
        };
        json.WriteStartObject();
        json.WriteStartArray("architectures");
        json.WriteStringValue(className);
        json.WriteEndArray();
        json.WriteString("model_type", modelType);
        json.WriteNumber("hidden_size", c.ModelDim);
        json.WriteNumber("intermediate_size", c.FeedForwardDim);
        json.WriteNumber("num_hidden_layers", c.LayerCount);
        json.WriteNumber("num_attention_heads", c.HeadCount);
        json.WriteNumber("num_key_value_heads", c.KvHeadCount);
        json.WriteNumber("head_dim", c.HeadDim);
        json.WriteNumber("vocab_size", c.VocabSize);
        json.WriteNumber("max_position_embeddings", c.MaxSequenceLength);
        json.WriteNumber("rms_norm_eps", c.RmsNormEps);
        json.WriteNumber("rope_theta", c.RopeTheta);
        if (c.RopeScaling is { } s)
        {
            json.WriteStartObject("rope_scaling");
            json.WriteString("rope_type", "llama3");
            json.WriteNumber("factor", s.Factor);
            json.WriteNumber("low_freq_factor", s.LowFreqFactor);
            json.WriteNumber("high_freq_factor", s.HighFreqFactor);
            json.WriteNumber("original_max_position_embeddings", s.OriginalMaxPositionEmbeddings);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("rope_scaling");
        }
        json.WriteBoolean("tie_word_embeddings", c.TiedEmbeddings);
        json.WriteBoolean("attention_bias", c.AttentionBias);
        // Written explicitly for Mistral: transformers reads a missing key as a 4096 window, null as none.
        if (c.Architecture == ModelArchitecture.Mistral)
        {
            if (c.SlidingWindow is { } window) json.WriteNumber("sliding_window", window);
            else json.WriteNull("sliding_window");
        }
        else if (c.SlidingWindow is not null)
        {
            throw new ArgumentException($"only Mistral models have a sliding window in config.json, not {c.Architecture}", nameof(c));
        }
        json.WriteString("torch_dtype", dtype switch
        {
            TensorDType.F32 => "float32",
            TensorDType.F16 => "float16",
            TensorDType.BF16 => "bfloat16",
            _ => throw new ArgumentException($"safetensors cannot store {dtype}", nameof(dtype)),
        });
        json.WriteEndObject();
    }
}
