using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli;

/// <summary>Turns the CLI's model argument into weights, a tokenizer and an inspection report.</summary>
public static class ModelResolver
{
    /// <summary>Rejects a model argument that names nothing, before any expensive work (a usage error).</summary>
    public static void EnsureExists(string spec)
    {
        if (BuiltinModels.IsBuiltin(spec)) return;
        if (!File.Exists(spec) && !Directory.Exists(spec))
            throw new UsageException($"model not found: '{spec}' (expected a .gguf file, a Hugging Face model directory, or builtin:tiny)");
    }

    /// <summary>Weights for a model spec (path or builtin:NAME).</summary>
    public static ModelWeights LoadWeights(string spec) => ModelLoader.Load(spec);

    /// <summary>
    /// The tokenizer that belongs to the model: the byte tokenizer for builtin models, tokenizer.json for a
    /// Hugging Face directory or beside a .gguf file. GGUF's embedded vocabulary is not read (yet): without a
    /// tokenizer.json the user passes --tokens.
    /// </summary>
    public static ITokenizer LoadTokenizer(string spec, ModelWeights weights)
    {
        if (BuiltinModels.IsBuiltin(spec)) return new ByteTokenizer();
        string? path = ModelLoader.TokenizerJsonPath(spec);
        if (path is null && File.Exists(spec))
        {
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec))!, "tokenizer.json");
            if (File.Exists(beside)) path = beside;
        }
        if (path is null)
            throw new UsageException($"{spec}: no tokenizer.json found for this model; pass token ids with --tokens instead of --prompt");
        var tokenizer = TokenizerLoader.Load(path);
        if (tokenizer.VocabSize > weights.Config.VocabSize)
            throw new UsageException($"{path}: tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary is {weights.Config.VocabSize}");
        return tokenizer;
    }
}
