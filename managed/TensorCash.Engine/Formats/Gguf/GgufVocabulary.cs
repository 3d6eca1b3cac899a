namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// The tokenizer.ggml.* metadata a GGUF needs for llama.cpp to load it. <see cref="ByteLevel"/> builds the
/// one the writers use by default; pass another to <see cref="GgufWriter"/> to change it.
/// </summary>
public sealed record GgufVocabulary(string Model, string Pre, string[] Tokens, int[] TokenTypes, string[] Merges, int BosId, int EosId)
{
    /// <summary>llama.cpp token types (llama_token_type).</summary>
    public const int Normal = 1, Control = 3, Unused = 5;

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
        yield return new("tokenizer.ggml.bos_token_id", GgufValue.Of((uint)BosId));
        yield return new("tokenizer.ggml.eos_token_id", GgufValue.Of((uint)EosId));
    }
}
