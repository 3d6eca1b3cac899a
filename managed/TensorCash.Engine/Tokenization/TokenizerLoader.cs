using System.IO.Compression;
using System.Text.Json;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// Loads a Hugging Face tokenizer.json (plain or gzip-compressed) into a <see cref="BpeTokenizer"/>. BOS/EOS come
/// from a tokenizer_config.json beside it when there is one, since tokenizer.json itself does not name them.
/// </summary>
public static class TokenizerLoader
{
    private static readonly string[] TokenizerFileNames = ["tokenizer.json", "tokenizer.json.gz"];
    private static readonly string[] ConfigFileNames = ["tokenizer_config.json", "tokenizer_config.json.gz"];

    // Used for EOS only when no tokenizer_config.json says otherwise: the end-of-text tokens of the families we load.
    private static readonly string[] WellKnownEosTokens = ["</s>", "<|end_of_text|>", "<|endoftext|>"];

    /// <summary>
    /// Loads <paramref name="path"/>: a tokenizer.json / tokenizer.json.gz file, or a model directory holding one.
    /// </summary>
    /// <exception cref="TokenizerFormatException">Missing, unreadable or malformed file, or an unsupported model type.</exception>
    public static BpeTokenizer Load(string path)
    {
        var (root, config) = ReadFiles(path);
        return Build(root, config);
    }

    /// <summary>The parsed tokenizer.json and, when one lies beside it, tokenizer_config.json.</summary>
    internal static (TokenizerJson Root, TokenizerJson? Config) ReadFiles(string path)
    {
        string file = ResolveTokenizerFile(path);
        var root = ReadJson(file);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(file));
        string? configFile = dir is null ? null : ConfigFileNames.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);
        return (root, configFile is null ? null : ReadJson(configFile));
    }

    /// <summary>A tokenizer_config.json (plain or gzip) found at <paramref name="path"/> or in the directory it names; null when there is none.</summary>
    internal static TokenizerJson? ReadConfig(string path)
    {
        string? file = File.Exists(path) ? path
            : Directory.Exists(path) ? ConfigFileNames.Select(n => Path.Combine(path, n)).FirstOrDefault(File.Exists)
            : null;
        return file is null ? null : ReadJson(file);
    }

    /// <summary>Builds a tokenizer from tokenizer.json text; <paramref name="sourceName"/> names it in errors.</summary>
    public static BpeTokenizer FromJson(string tokenizerJson, string sourceName = "<tokenizer.json>", string? tokenizerConfigJson = null)
    {
        var root = ParseJson(sourceName, () => JsonDocument.Parse(tokenizerJson));
        var config = tokenizerConfigJson is null ? (TokenizerJson?)null : ParseJson($"{sourceName} (tokenizer_config)", () => JsonDocument.Parse(tokenizerConfigJson));
        return Build(root, config);
    }

    private static string ResolveTokenizerFile(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            return TokenizerFileNames.Select(n => Path.Combine(path, n)).FirstOrDefault(File.Exists)
                ?? throw new TokenizerFormatException(path, null, $"directory has no {string.Join(" or ", TokenizerFileNames)}");
        }
        throw new TokenizerFormatException(path, null, "no such file or directory");
    }

    private static TokenizerJson ReadJson(string file) => ParseJson(file, () =>
    {
        using var stream = File.OpenRead(file);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = stream.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        stream.Position = 0;
        using Stream content = gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return JsonDocument.Parse(buffer.ToArray());
    });

    private static TokenizerJson ParseJson(string source, Func<JsonDocument> parse)
    {
        JsonDocument doc;
        try
        {
            doc = parse();
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(source, null, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
        }
        catch (InvalidDataException e)
        {
            throw new TokenizerFormatException(source, null, $"corrupt gzip data: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerFormatException(source, null, $"cannot read: {e.Message}", e);
        }
        var root = new TokenizerJson(source, "", doc.RootElement);
        if (root.Kind != JsonValueKind.Object) throw root.Error("top level must be a JSON object");
        return root;
    }

    private static BpeTokenizer Build(TokenizerJson root, TokenizerJson? config)
    {
        var modelJson = root.Required("model");
        // Files written by old tokenizers versions omit the BPE type tag; "merges" identifies BPE then.
        string type = modelJson.OptionalString("type") ?? (modelJson.Has("merges") ? "BPE" : "unknown");
        if (type != "BPE")
            throw modelJson.Error($"tokenizer model type '{type}' is not supported (only BPE is implemented; WordPiece, WordLevel and Unigram are not)");

        var model = BpeModel.FromJson(modelJson);
        var added = root.Optional("added_tokens") is { } addedJson ? addedJson.Items().Select(AddedToken.FromJson).ToList() : [];
        var postProcessor = PostProcessor.FromJson(root.Optional("post_processor"));

        return new BpeTokenizer(
            model,
            TextNormalizer.FromJson(root.Optional("normalizer")),
            PreTokenizer.FromJson(root.Optional("pre_tokenizer")),
            postProcessor,
            TokenDecoder.FromJson(root.Optional("decoder")),
            added,
            tokenizer => ResolveBosEos(tokenizer, config, postProcessor));
    }

    private static (int? Bos, int? Eos) ResolveBosEos(BpeTokenizer tokenizer, TokenizerJson? config, PostProcessor postProcessor)
    {
        int? bos = postProcessor.Prefix.Length == 1 ? postProcessor.Prefix[0] : null;
        int? eos = WellKnownEosTokens.Select(tokenizer.TokenToId).FirstOrDefault(id => id is not null && tokenizer.IsSpecial(id.Value));
        if (config is { } c)
        {
            if (c.Has("bos_token")) bos = ConfigTokenId(tokenizer, c, "bos_token");
            if (c.Has("eos_token")) eos = ConfigTokenId(tokenizer, c, "eos_token");
        }
        return (bos, eos);
    }

    // tokenizer_config.json writes a token as a string, as {"content": "..."} (an AddedToken), or as null.
    private static int? ConfigTokenId(BpeTokenizer tokenizer, TokenizerJson config, string field)
    {
        if (config.Optional(field) is not { } value) return null;
        string content = value.Kind == JsonValueKind.Object ? value.Required("content").AsString() : value.AsString();
        return tokenizer.TokenToId(content) ?? throw value.Error($"token \"{content}\" is not in the tokenizer's vocabulary");
    }
}
