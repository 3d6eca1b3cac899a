namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The regex pre-tokenizers llama.cpp picks for a GGUF 'gpt2' (byte-level BPE) vocabulary by its
/// <c>tokenizer.ggml.pre</c> name (llama-vocab.cpp, llm_tokenizer_bpe). A name lists one or more patterns applied in
/// turn: each one splits every piece the previous one produced into its matches and the text between them. The
/// resulting words are then spelled in GPT-2's byte-level alphabet. Patterns run through <see cref="CodePointRegex"/>
/// so \p{L} and \p{N} see whole code points, as llama.cpp's own Unicode tables do.
/// </summary>
internal sealed class LlamaCppPreTokenizer
{
    public const string Llama3 = "llama-bpe", Qwen2 = "qwen2", Gpt2 = "gpt-2", Default = "default";

    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";
    private const string Llama3Pattern =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen2Pattern =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The names accepted, with their patterns. Aliases are the ones llama.cpp maps to the same regex.</summary>
    private static readonly Dictionary<string, string[]> Patterns = new(StringComparer.Ordinal)
    {
        [Llama3] = [Llama3Pattern],
        ["llama3"] = [Llama3Pattern],
        ["llama-v3"] = [Llama3Pattern],
        [Qwen2] = [Qwen2Pattern],
        [Gpt2] = [Gpt2Pattern],
        [Default] = [@"[\p{P}\$\+<=>\^~\|]+", Gpt2Pattern, @"\p{N}+", "[0-9][0-9][0-9]"],
    };

    private readonly CodePointRegex[] _regexes;

    public string Name { get; }

    /// <summary>llama.cpp skips merging a word that is a token as a whole for the Llama-3 family.</summary>
    public bool IgnoreMerges => Name is Llama3 or "llama3" or "llama-v3";

    /// <summary>Whether llama.cpp adds BOS by default (no tokenizer.ggml.add_bos_token key) for this pre-tokenizer.</summary>
    public bool AddsBosByDefault => IgnoreMerges;

    private LlamaCppPreTokenizer(string name, string[] patterns)
    {
        Name = name;
        _regexes = patterns.Select(p => new CodePointRegex(p)).ToArray();
    }

    public static IReadOnlyCollection<string> Names => Patterns.Keys;

    public static LlamaCppPreTokenizer? TryCreate(string name) =>
        Patterns.TryGetValue(name, out var patterns) ? new LlamaCppPreTokenizer(name, patterns) : null;

    /// <summary>Splits raw text into words (not yet byte-level encoded).</summary>
    public List<string> Split(string text)
    {
        var pieces = new List<string> { text };
        foreach (var regex in _regexes)
        {
            var next = new List<string>(pieces.Count * 2);
            foreach (var piece in pieces)
            {
                int pos = 0;
                foreach (var (start, length) in regex.Matches(piece))
                {
                    if (start > pos) next.Add(piece.Substring(pos, start - pos));
                    next.Add(piece.Substring(start, length));
                    pos = start + length;
                }
                if (pos < piece.Length) next.Add(piece[pos..]);
            }
            pieces = next;
        }
        return pieces;
    }
}
