using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli;

/// <summary>
/// The single seam between the CLI and the model-format, tokenizer and inspection components, which
/// are built on other branches. Each WIRE comment names the call that belongs there; until then the
/// method fails with a clear message (exit code 1).
/// </summary>
public static class ModelResolver
{
    public const string BuiltinPrefix = "builtin:";

    /// <summary>Rejects a model argument that names nothing, before any expensive work (a usage error).</summary>
    public static void EnsureExists(string spec)
    {
        if (spec.StartsWith(BuiltinPrefix, StringComparison.Ordinal)) return;
        if (!File.Exists(spec) && !Directory.Exists(spec))
            throw new UsageException($"model not found: '{spec}' (expected a .gguf file, a Hugging Face model directory, or builtin:tiny)");
    }

    /// <summary>Weights for a model spec (path or builtin:NAME).</summary>
    public static ModelWeights LoadWeights(string spec) =>
        // WIRE: return ModelLoader.Load(spec);
        throw NotWired("loading models", "ModelResolver.LoadWeights -> ModelLoader.Load");

    /// <summary>The tokenizer that belongs to the model (tokenizer.json next to safetensors, GGUF metadata, ByteTokenizer for builtin:tiny).</summary>
    public static ITokenizer LoadTokenizer(string spec, ModelWeights weights) =>
        // WIRE: return TokenizerLoader.Load(spec, weights);  (ByteTokenizer, BOS 256 / EOS 257, for builtin:tiny)
        throw NotWired("loading tokenizers", "ModelResolver.LoadTokenizer -> TokenizerLoader");

    /// <summary>Static facts about a model for `model inspect`, without creating the native model.</summary>
    public static ModelSummary Inspect(string spec) =>
        // WIRE: map ModelInspector's result for spec onto ModelSummary.
        throw NotWired("inspecting models", "ModelResolver.Inspect -> ModelInspector");

    private static NotSupportedException NotWired(string what, string seam) =>
        new($"{what} is not available in this build ({seam} is not wired yet)");
}

/// <summary>What `model inspect` prints.</summary>
/// <param name="DType">Weight element type, or a mix such as "q8_0 (224 tensors), f32 (65 tensors)".</param>
/// <param name="FlopsPerToken">Floating-point operations for one decoded token at short context (2 x multiply-accumulates).</param>
public sealed record ModelSummary(string Source, ModelConfig Config, long ParameterCount, string DType, long FlopsPerToken, IReadOnlyList<ModelFile> Files);

public sealed record ModelFile(string Path, long Bytes);
