using TensorCash.Engine.Builtin;
using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
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
            throw new UsageException($"model not found: '{spec}' (expected a .gguf file, a Hugging Face model directory, or builtin:tiny|nano|small)");
    }

    /// <summary>Weights for a model spec (path or builtin:NAME).</summary>
    public static ModelWeights LoadWeights(string spec) => ModelLoader.Load(spec);

    /// <summary>
    /// The tokenizer that belongs to the model, or null when it has none: the builtin model's own (bytes for tiny and nano, the
    /// BPE builtin:small's GGUF embeds), tokenizer.json for a Hugging Face directory; for a .gguf file a tokenizer.json beside it when there is one
    /// (an explicit override), else the vocabulary the file embeds (tokenizer.ggml.*), run as llama.cpp runs it.
    /// </summary>
    public static ITokenizer? TryLoadTokenizer(string spec, int? modelVocabSize = null)
    {
        if (BuiltinModels.IsBuiltin(spec)) return BuiltinModels.LoadTokenizer(spec);
        string? path = ModelLoader.TokenizerJsonPath(spec);
        bool gguf = File.Exists(spec) && spec.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
        if (path is null && File.Exists(spec))
        {
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec))!, "tokenizer.json");
            if (File.Exists(beside)) path = beside;
        }
        ITokenizer? tokenizer = null;
        if (path is not null) tokenizer = TokenizerLoader.Load(path);
        else if (gguf)
        {
            using var file = GgufFile.Open(spec);
            if (GgufVocabularyReader.HasTokenizer(file.Metadata)) tokenizer = GgufTokenizer.FromFile(file);
            path = spec;
        }
        if (tokenizer is not null && modelVocabSize is { } size && tokenizer.VocabSize > size)
            throw new UsageException($"{path}: tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary is {size}");
        return tokenizer;
    }

    /// <summary>Like <see cref="TryLoadTokenizer"/>, but a model without a tokenizer is a usage error.</summary>
    public static ITokenizer LoadTokenizer(string spec, int? modelVocabSize = null) =>
        TryLoadTokenizer(spec, modelVocabSize)
        ?? throw new UsageException($"{spec}: this model has no tokenizer (no tokenizer.json, no embedded GGUF vocabulary); pass token ids with --tokens");

    /// <summary>
    /// The model's chat template: GGUF's tokenizer.chat_template when the tokenizer is the file's own, else the
    /// chat_template of the tokenizer_config.json in the model directory (or beside the .gguf file).
    /// </summary>
    public static ChatTemplate LoadChatTemplate(string spec, ITokenizer tokenizer)
    {
        ChatTemplate? template = null;
        if (tokenizer is GgufTokenizer gguf) template = ChatTemplate.FromGguf(gguf);
        else if (!BuiltinModels.IsBuiltin(spec))
            template = ChatTemplate.FromTokenizerConfig(Directory.Exists(spec) ? spec : Path.GetDirectoryName(Path.GetFullPath(spec))!);
        return template ?? throw new UsageException($"{spec}: the model has no chat template (tokenizer.chat_template or tokenizer_config.json chat_template); use --prompt");
    }
}
