using TensorCash.Engine.Formats.Gguf;

namespace TensorCash.Engine.Tokenization;

/// <summary>llama.cpp token attributes, from GGUF's tokenizer.ggml.token_type (plus the name-based overrides llama.cpp applies).</summary>
[Flags]
public enum GgufTokenAttributes
{
    None = 0,
    Normal = 1,
    Unknown = 2,
    Control = 4,
    UserDefined = 8,
    Unused = 16,
    Byte = 32,
}

/// <summary>The tokenizer a GGUF file embeds, read and checked: what <see cref="GgufTokenizer"/> runs on.</summary>
public sealed record GgufVocabularyData(
    string Source,
    GgufTokenizerModel Model,
    string PreTokenizer,
    string[] Tokens,
    GgufTokenAttributes[] Attributes,
    float[] Scores,
    (string Left, string Right)[] Merges,
    int? BosId,
    int? EosId,
    int? UnknownId,
    int? PaddingId,
    bool AddBos,
    bool AddEos,
    bool AddSpacePrefix,
    string? ChatTemplate);

public enum GgufTokenizerModel
{
    /// <summary>"llama": SentencePiece-style BPE driven by token scores, with &lt;0xNN&gt; byte fallback.</summary>
    SentencePiece,
    /// <summary>"gpt2": byte-level BPE driven by ranked merges after a regex pre-tokenizer.</summary>
    BytePairEncoding,
}

/// <summary>
/// Reads the tokenizer.ggml.* metadata of a GGUF file into <see cref="GgufVocabularyData"/>, checking what llama.cpp
/// relies on: the token list, parallel arrays of the same length (scores, types), merges as "left right" strings,
/// special ids inside the vocabulary, a known model and pre-tokenizer name. Every problem is a
/// <see cref="TokenizerFormatException"/> naming the file and key. Defaults for missing keys are llama.cpp's
/// (add_bos: on for "llama" and the Llama-3 pre-tokenizer; add_space_prefix: on for "llama").
/// </summary>
public static class GgufVocabularyReader
{
    /// <summary>Names llama.cpp (this release) forces to control at load whatever their stored type: its end-of-turn,
    /// end-of-generation and fill-in-the-middle token lists. Mirrored so that parse_special=false splits the same.</summary>
    private static readonly HashSet<string> ForcedControlNames = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]",
        "[EOS]", "<｜end▁of▁sentence｜>", "<end_of_utterance>", "<|eom_id|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "</s>", "<eos>", "<turn|>", "<|tool_response>", "[e~[",
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>",
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>",
    };

    /// <summary>Whether the file embeds a tokenizer at all (tokenizer.ggml.model and tokens present, model not "none").</summary>
    public static bool HasTokenizer(IReadOnlyDictionary<string, GgufValue> metadata) =>
        metadata.TryGetValue("tokenizer.ggml.model", out var m) && m.Value is string name && name != "none"
        && metadata.ContainsKey("tokenizer.ggml.tokens");

    public static GgufVocabularyData Read(IReadOnlyDictionary<string, GgufValue> metadata, string source)
    {
        TokenizerFormatException Bad(string key, string problem) => new(source, key, problem);

        string modelName = String(metadata, "tokenizer.ggml.model", source) ?? throw Bad("tokenizer.ggml.model", "is missing: the file embeds no tokenizer");
        var model = modelName switch
        {
            "llama" => GgufTokenizerModel.SentencePiece,
            "gpt2" => GgufTokenizerModel.BytePairEncoding,
            _ => throw Bad("tokenizer.ggml.model", $"'{modelName}' is not supported (only 'llama' and 'gpt2')"),
        };

        var tokens = ReadArray<string>(metadata, "tokenizer.ggml.tokens", GgufValueType.String, source)
            ?? throw Bad("tokenizer.ggml.tokens", "is missing");
        if (tokens.Length == 0) throw Bad("tokenizer.ggml.tokens", "is empty");
        int n = tokens.Length;

        var scores = new float[n];
        if (ReadArray<float>(metadata, "tokenizer.ggml.scores", GgufValueType.Float32, source) is { } s)
        {
            if (s.Length != n) throw Bad("tokenizer.ggml.scores", $"has {s.Length} entries for {n} tokens");
            for (int i = 0; i < n; i++)
                if (!float.IsFinite(s[i])) throw Bad("tokenizer.ggml.scores", $"entry {i} is {s[i]}, not a finite number");
            scores = s;
        }

        var attributes = new GgufTokenAttributes[n];
        if (metadata.TryGetValue("tokenizer.ggml.token_type", out var typeValue))
        {
            if (typeValue.Value is not GgufArray { } types || types.Items.Length != n)
                throw Bad("tokenizer.ggml.token_type", $"must be an integer array of {n} entries, found {typeValue}");
            for (int i = 0; i < n; i++)
            {
                long? t = new GgufValue(types.ElementType, types.Items[i]).AsInteger();
                attributes[i] = t switch
                {
                    0 => GgufTokenAttributes.None,
                    1 => GgufTokenAttributes.Normal,
                    2 => GgufTokenAttributes.Unknown,
                    3 => GgufTokenAttributes.Control,
                    4 => GgufTokenAttributes.UserDefined,
                    5 => GgufTokenAttributes.Unused,
                    6 => GgufTokenAttributes.Byte,
                    _ => throw Bad("tokenizer.ggml.token_type", $"entry {i} is {types.Items[i]}, not a token type 0..6"),
                };
            }
        }
        else Array.Fill(attributes, GgufTokenAttributes.Normal);
        for (int i = 0; i < n; i++)
            if (ForcedControlNames.Contains(tokens[i])) attributes[i] |= GgufTokenAttributes.Control;

        (string, string)[] merges = [];
        var mergeStrings = ReadArray<string>(metadata, "tokenizer.ggml.merges", GgufValueType.String, source);
        if (model == GgufTokenizerModel.BytePairEncoding)
        {
            if (mergeStrings is null) throw Bad("tokenizer.ggml.merges", "is missing (a 'gpt2' tokenizer needs it, even empty)");
            merges = new (string, string)[mergeStrings.Length];
            for (int i = 0; i < mergeStrings.Length; i++)
            {
                // As llama.cpp: split at the first space after the first character (a merge's left part is never empty).
                string m = mergeStrings[i];
                int space = m.Length > 1 ? m.IndexOf(' ', 1) : -1;
                if (space < 0) throw Bad("tokenizer.ggml.merges", $"entry {i} \"{m}\" is not two tokens separated by a space");
                merges[i] = (m[..space], m[(space + 1)..]);
            }
        }

        string pre = String(metadata, "tokenizer.ggml.pre", source) ?? LlamaCppPreTokenizer.Default;
        LlamaCppPreTokenizer? preTokenizer = null;
        if (model == GgufTokenizerModel.BytePairEncoding)
            preTokenizer = LlamaCppPreTokenizer.TryCreate(pre)
                ?? throw Bad("tokenizer.ggml.pre", $"'{pre}' is not supported (supported: {string.Join(", ", LlamaCppPreTokenizer.Names)})");

        // Absent: llama.cpp's default applies. -1 (signed, or wrapped to 0xFFFFFFFF): "no such token".
        int? Id(string key, int? fallback)
        {
            if (!metadata.TryGetValue(key, out var v)) return fallback is { } f && f < n ? f : null;
            long? id = v.AsInteger();
            if (id is -1 or 0xFFFFFFFF) return null;
            if (id is not { } value || value < 0 || value >= n) throw Bad(key, $"{v} is not a token id in [0, {n})");
            return (int)value;
        }
        bool Flag(string key, bool fallback)
        {
            if (!metadata.TryGetValue(key, out var v)) return fallback;
            return v.Value is bool b ? b : throw Bad(key, $"must be a boolean, found {v.Type}");
        }

        bool spm = model == GgufTokenizerModel.SentencePiece;
        // llama.cpp's defaults when the ids are absent: SentencePiece <s>=1, </s>=2, <unk>=0; gpt2 BOS = EOS = 11.
        int? bos = Id("tokenizer.ggml.bos_token_id", spm ? 1 : 11);
        int? eos = Id("tokenizer.ggml.eos_token_id", spm ? 2 : 11);
        bool addBos = Flag("tokenizer.ggml.add_bos_token", spm || preTokenizer!.AddsBosByDefault);
        bool addEos = Flag("tokenizer.ggml.add_eos_token", false);
        if (addBos && bos is null) throw Bad("tokenizer.ggml.add_bos_token", "is true but there is no BOS token");
        if (addEos && eos is null) throw Bad("tokenizer.ggml.add_eos_token", "is true but there is no EOS token");

        return new GgufVocabularyData(source, model, pre, tokens, attributes, scores, merges, bos, eos,
            Id("tokenizer.ggml.unknown_token_id", spm ? 0 : null), Id("tokenizer.ggml.padding_token_id", null),
            addBos, addEos, spm && Flag("tokenizer.ggml.add_space_prefix", true), String(metadata, "tokenizer.chat_template", source));
    }

    private static string? String(IReadOnlyDictionary<string, GgufValue> metadata, string key, string source) =>
        !metadata.TryGetValue(key, out var v) ? null
        : v.Value as string ?? throw new TokenizerFormatException(source, key, $"must be a string, found {v.Type}");

    private static T[]? ReadArray<T>(IReadOnlyDictionary<string, GgufValue> metadata, string key, GgufValueType elementType, string source)
    {
        if (!metadata.TryGetValue(key, out var v)) return null;
        if (v.Value is not GgufArray array || array.ElementType != elementType)
            throw new TokenizerFormatException(source, key, $"must be an array of {elementType}, found {v}");
        return array.Items.Cast<T>().ToArray();
    }
}
