using System.Text.Json;
using TensorCash.Engine.Formats.Gguf;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// Converts a Hugging Face tokenizer.json (+ tokenizer_config.json) into GGUF tokenizer metadata, the way llama.cpp's
/// HF converter lays it out, so a test or benchmark GGUF can embed a real vocabulary:
/// <list type="bullet">
/// <item>byte-level BPE (a ByteLevel pre-tokenizer: Llama-3, Qwen2) becomes <c>gpt2</c> with the merges in rank order
/// and <c>tokenizer.ggml.pre</c> named after the Split regex (<c>llama-bpe</c> or <c>qwen2</c>);</item>
/// <item>SentencePiece-style BPE with byte fallback (Llama-2, Mistral) becomes <c>llama</c> with scores. tokenizer.json
/// keeps only merge ranks, so a token's score is minus the rank of the first merge that forms it (tokens no merge forms
/// score below every merge). llama.cpp merges the adjacent pair whose result scores highest, so these scores make it
/// pick the same merge HF's lowest-rank rule picks.</item>
/// </list>
/// Token types: added special tokens are control, other added tokens user-defined, <c>&lt;0xNN&gt;</c> byte, the unk token
/// unknown, ids with no token unused "[PADn]" fillers. BOS/EOS and whether they are added come from the loaded tokenizer
/// (its tokenizer_config.json and post-processor); the chat template from tokenizer_config.json.
/// </summary>
public static class HfToGgufVocabulary
{
    /// <summary>The Split regexes of the byte-level families and the llama.cpp pre-tokenizer name of each.</summary>
    private static readonly Dictionary<string, string> PreTokenizerNames = new(StringComparer.Ordinal)
    {
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = LlamaCppPreTokenizer.Llama3,
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = LlamaCppPreTokenizer.Qwen2,
    };

    /// <exception cref="TokenizerFormatException">Unreadable file, or a tokenizer that has no GGUF equivalent here.</exception>
    public static GgufVocabulary Convert(string tokenizerPath)
    {
        var tokenizer = TokenizerLoader.Load(tokenizerPath);
        var (root, config) = TokenizerLoader.ReadFiles(tokenizerPath);
        var modelJson = root.Required("model");
        var vocabJson = modelJson.Required("vocab");

        int size = tokenizer.VocabSize;
        var tokens = new string[size];
        var types = new int[size];
        for (int id = 0; id < size; id++)
        {
            if (tokenizer.IdToToken(id) is { } token) (tokens[id], types[id]) = (token, GgufVocabulary.Normal);
            else (tokens[id], types[id]) = ($"[PAD{id}]", GgufVocabulary.Unused);
        }
        foreach (var added in tokenizer.AddedTokens)
            types[added.Id] = added.Special ? GgufVocabulary.Control : GgufVocabulary.UserDefined;

        var merges = modelJson.Required("merges").Items().Select(m => BpeModel.ParseMerge(m)).ToList();
        string? pre = BytePreTokenizerName(root);
        int? unkId = modelJson.OptionalString("unk_token") is { } unk ? tokenizer.TokenToId(unk) : null;
        if (unkId is { } u) types[u] = GgufVocabulary.Unknown;

        var withSpecials = tokenizer.Encode("", addSpecialTokens: true);
        int eos = tokenizer.EosTokenId ?? throw new TokenizerFormatException(tokenizerPath, null, "no EOS token (tokenizer_config.json eos_token)");
        // Qwen2 names no BOS (bos_token null); its GGUFs carry EOS (<|endoftext|>) there, with add_bos off.
        int bos = tokenizer.BosTokenId ?? eos;
        string? template = config?.Optional("chat_template") is { Kind: JsonValueKind.String } t ? t.AsString() : null;

        if (pre is not null)
        {
            return new GgufVocabulary("gpt2", pre, tokens, types, merges.Select(m => $"{m.Left} {m.Right}").ToArray(), bos, eos)
            {
                AddBos = withSpecials.Length > 0 && withSpecials[0] == bos,
                AddEos = withSpecials.Length > 0 && withSpecials[^1] == eos,
                ChatTemplate = template,
            };
        }

        if (!modelJson.OptionalBool("byte_fallback", false))
            throw modelJson.Error("neither a ByteLevel pre-tokenizer (GGUF 'gpt2') nor byte_fallback (GGUF 'llama'): no GGUF tokenizer model fits");
        var scores = SentencePieceScores(tokenizer, merges, size);
        for (int b = 0; b < 256; b++)
            if (tokenizer.TokenToId(BpeModel.ByteFallbackToken(b)) is { } byteId) types[byteId] = GgufVocabulary.Byte;
        return new GgufVocabulary("llama", "default", tokens, types, [], bos, eos)
        {
            Scores = scores,
            UnknownId = unkId,
            AddBos = withSpecials.Length > 0 && withSpecials[0] == bos,
            AddEos = withSpecials.Length > 0 && withSpecials[^1] == eos,
            AddSpacePrefix = true,
            ChatTemplate = template,
        };
    }

    private static float[] SentencePieceScores(BpeTokenizer tokenizer, List<(string Left, string Right)> merges, int size)
    {
        var scores = new float[size];
        var scored = new bool[size];
        for (int rank = 0; rank < merges.Count; rank++)
        {
            if (tokenizer.TokenToId(merges[rank].Left + merges[rank].Right) is not { } id || scored[id]) continue;
            scores[id] = -rank;
            scored[id] = true;
        }
        // Below every merge, in id order; single characters and specials are never formed by a merge anyway.
        for (int id = 0; id < size; id++)
            if (!scored[id]) scores[id] = -(merges.Count + id);
        return scores;
    }

    private static string? BytePreTokenizerName(TokenizerJson root)
    {
        if (root.Optional("pre_tokenizer") is not { } pre) return null;
        var parts = pre.TypeName == "Sequence" ? pre.Required("pretokenizers").Items().ToList() : [pre];
        if (!parts.Any(p => p.TypeName == "ByteLevel")) return null;
        if (!parts.Any(p => p.TypeName == "Split")) return LlamaCppPreTokenizer.Gpt2;
        var s = parts.First(p => p.TypeName == "Split");
        string pattern = s.Required("pattern").Optional("Regex")?.AsString() ?? s.Required("pattern").Required("String").AsString();
        return PreTokenizerNames.TryGetValue(pattern, out var name) ? name
            : throw s.Error($"Split pattern \"{pattern}\" is not one llama.cpp names (llama-bpe, qwen2)");
    }
}
