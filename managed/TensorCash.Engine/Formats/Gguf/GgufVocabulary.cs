namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// The tokenizer.ggml.* metadata a GGUF needs for llama.cpp to load it. <see cref="ByteLevel"/> builds the
/// one the writers use by default; <c>Tokenization.HfToGgufVocabulary</c> converts a real tokenizer.json; pass
/// either to <see cref="GgufWriter"/>. The optional members are written only when set.
/// </summary>
public sealed record GgufVocabulary(string Model, string Pre, string[] Tokens, int[] TokenTypes, string[] Merges, int BosId, int EosId)
{
    /// <summary>llama.cpp token types (llama_token_type).</summary>
    public const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    /// <summary>tokenizer.ggml.scores: SentencePiece ("llama") merge priorities, one per token.</summary>
    public float[]? Scores { get; init; }
    public int? UnknownId { get; init; }
    public int? PaddingId { get; init; }
    public bool? AddBos { get; init; }
    public bool? AddEos { get; init; }
    /// <summary>tokenizer.ggml.add_space_prefix: SentencePiece prepends a space to text at the start and after special tokens.</summary>
    public bool? AddSpacePrefix { get; init; }
    /// <summary>tokenizer.chat_template (Jinja).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// GPT-2-style byte-level vocabulary of exactly <paramref name="vocabSize"/> tokens: the 256 bytes (in GPT-2's
    /// byte-to-printable-character spelling), BOS, EOS, then unused padding. For vocabularies smaller than 258 the
    /// byte tokens are cut short so BOS and EOS still fit as the last two ids.
    /// </summary>
    public static GgufVocabulary ByteLevel(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 2);
        int byteTokens = Math.Min(256, vocabSize - 2);
        var tokens = new string[vocabSize];
        var types = new int[vocabSize];
        var spelling = ByteSpelling();
        for (int b = 0; b < byteTokens; b++) (tokens[b], types[b]) = (spelling[b].ToString(), Normal);
        int bos = byteTokens, eos = byteTokens + 1;
        (tokens[bos], types[bos]) = ("<|bos|>", Control);
        (tokens[eos], types[eos]) = ("<|eos|>", Control);
        for (int i = eos + 1; i < vocabSize; i++) (tokens[i], types[i]) = ($"<|pad_{i}|>", Unused);
        return new GgufVocabulary("gpt2", "default", tokens, types, [], bos, eos);
    }

    /// <summary>GPT-2's reversible byte -> character map: printable Latin-1 bytes stand for themselves, the rest are
    /// shifted to code points 256 and up so no token contains whitespace or control characters.</summary>
    private static char[] ByteSpelling()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    public IEnumerable<KeyValuePair<string, GgufValue>> Metadata()
    {
        yield return new("tokenizer.ggml.model", GgufValue.Of(Model));
        yield return new("tokenizer.ggml.pre", GgufValue.Of(Pre));
        yield return new("tokenizer.ggml.tokens", GgufValue.Array(GgufValueType.String, Tokens));
        yield return new("tokenizer.ggml.token_type", GgufValue.Array(GgufValueType.Int32, TokenTypes.Cast<object>()));
        yield return new("tokenizer.ggml.merges", GgufValue.Array(GgufValueType.String, Merges));
        if (Scores is not null) yield return new("tokenizer.ggml.scores", GgufValue.Array(GgufValueType.Float32, Scores.Cast<object>()));
        yield return new("tokenizer.ggml.bos_token_id", GgufValue.Of((uint)BosId));
        yield return new("tokenizer.ggml.eos_token_id", GgufValue.Of((uint)EosId));
        if (UnknownId is { } unk) yield return new("tokenizer.ggml.unknown_token_id", GgufValue.Of((uint)unk));
        if (PaddingId is { } pad) yield return new("tokenizer.ggml.padding_token_id", GgufValue.Of((uint)pad));
        if (AddBos is { } addBos) yield return new("tokenizer.ggml.add_bos_token", GgufValue.Of(addBos));
        if (AddEos is { } addEos) yield return new("tokenizer.ggml.add_eos_token", GgufValue.Of(addEos));
        if (AddSpacePrefix is { } prefix) yield return new("tokenizer.ggml.add_space_prefix", GgufValue.Of(prefix));
        if (ChatTemplate is { } template) yield return new("tokenizer.chat_template", GgufValue.Of(template));
    }
}
