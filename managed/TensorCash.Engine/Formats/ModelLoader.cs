using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>Opens a model from a spec: "builtin:tiny" (or another of BuiltinModels.Names), a Hugging Face model directory, or a .gguf file.</summary>
public static class ModelLoader
{
    public static ModelWeights Load(string spec)
    {
        if (BuiltinModels.IsBuiltin(spec)) return BuiltinModels.Load(spec);
        if (Directory.Exists(spec)) return SafetensorsModelLoader.Load(spec);
        if (File.Exists(spec))
        {
            if (spec.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) return GgufModelLoader.Load(spec);
            throw new ModelFormatException(spec, null,
                "not a model: give a .gguf file, a Hugging Face model directory (config.json + *.safetensors), or builtin:tiny|nano|small");
        }
        throw new ModelFormatException(spec, null,
            "no such file or directory (expected a .gguf file, a Hugging Face model directory, or builtin:tiny)");
    }

    /// <summary>The tokenizer.json next to a Hugging Face model, if any (GGUF and builtin models carry their own vocabulary).</summary>
    public static string? TokenizerJsonPath(string spec) =>
        Directory.Exists(spec) ? SafetensorsModelLoader.TokenizerPath(spec) : null;
}
