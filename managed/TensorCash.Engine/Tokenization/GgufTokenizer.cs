using System.Text;
using TensorCash.Engine.Formats.Gguf;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The tokenizer a GGUF file embeds, run the way llama.cpp runs it (llama-vocab.cpp), because a GGUF's ids are
/// defined by llama.cpp's behaviour rather than by the tokenizer.json it was converted from:
/// <list type="number">
/// <item>Special-token partition: control, unknown and user-defined tokens, longest first (UTF-8 length, then id),
/// cut every occurrence out of the text. Control and unknown tokens only when special tokens are parsed; user-defined
/// ones always.</item>
/// <item>"llama" (SentencePiece): each text fragment gets a leading space when it starts the text or follows a special
/// token (add_space_prefix), spaces become ▁, and <see cref="SentencePieceMerger"/> merges by score; characters outside
/// the vocabulary become &lt;0xNN&gt; byte tokens.</item>
/// <item>"gpt2": <see cref="LlamaCppPreTokenizer"/> splits each fragment into words, which are spelled in the byte-level
/// alphabet and merged by rank by <see cref="ByteLevelMerger"/>.</item>
/// <item>BOS/EOS are added per tokenizer.ggml.add_bos_token / add_eos_token when special tokens are added.</item>
/// </list>
/// Decoding concatenates llama.cpp's token pieces as bytes and reads them as UTF-8; it does not apply llama.cpp's
/// clean_spaces rewriting (" ," to ","), which loses information (see docs/tokenizer.md).
/// Thread-safe: all state is per call.
/// </summary>
public sealed class GgufTokenizer : ITokenizer
{
    private readonly GgufVocabularyData _data;
    private readonly Dictionary<string, int> _tokenToId = new(StringComparer.Ordinal);
    private readonly int[] _specialTokens;
    private readonly SentencePieceMerger? _spm;
    private readonly ByteLevelMerger? _bpe;
    private readonly LlamaCppPreTokenizer? _preTokenizer;

    public GgufVocabularyData Vocabulary => _data;
    public int VocabSize => _data.Tokens.Length;
    public int? BosTokenId => _data.BosId;
    public int? EosTokenId => _data.EosId;
    /// <summary>tokenizer.chat_template, when the file has one.</summary>
    public string? ChatTemplate => _data.ChatTemplate;

    public GgufTokenizer(GgufVocabularyData data)
    {
        _data = data;
        // As llama.cpp: a duplicated token text maps to its last id.
        for (int id = 0; id < data.Tokens.Length; id++) _tokenToId[data.Tokens[id]] = id;
        const GgufTokenAttributes splitting = GgufTokenAttributes.Control | GgufTokenAttributes.UserDefined | GgufTokenAttributes.Unknown;
        _specialTokens = Enumerable.Range(0, data.Tokens.Length)
            .Where(id => (data.Attributes[id] & splitting) != 0 && data.Tokens[id].Length > 0)
            .OrderByDescending(id => Encoding.UTF8.GetByteCount(data.Tokens[id])).ThenBy(id => id)
            .ToArray();
        if (data.Model == GgufTokenizerModel.SentencePiece) _spm = new SentencePieceMerger(_tokenToId, data.Scores, data.Source);
        else
        {
            _preTokenizer = LlamaCppPreTokenizer.TryCreate(data.PreTokenizer)
                ?? throw new TokenizerFormatException(data.Source, "tokenizer.ggml.pre", $"'{data.PreTokenizer}' is not supported");
            _bpe = new ByteLevelMerger(_tokenToId, data.Merges, _preTokenizer.IgnoreMerges);
        }
    }

    /// <summary>Reads the tokenizer embedded in an open GGUF file.</summary>
    public static GgufTokenizer FromFile(GgufFile file) => new(GgufVocabularyReader.Read(file.Metadata, file.Path));

    /// <summary>Opens a .gguf file and reads its embedded tokenizer (the tensors are mapped, not read).</summary>
    public static GgufTokenizer Load(string path)
    {
        using var file = GgufFile.Open(path);
        return FromFile(file);
    }

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out int id) ? id : null;

    public int[] Encode(string text, bool addSpecialTokens = true) => Tokenize(text, addSpecialTokens, parseSpecial: true);

    /// <summary>llama_tokenize(text, add_special, parse_special).</summary>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 4);
        if (addSpecial && _data.AddBos) output.Add(_data.BosId!.Value);
        bool previousWasSpecial = true;
        foreach (var (fragment, token) in Partition(text, parseSpecial))
        {
            if (token >= 0)
            {
                output.Add(token);
                previousWasSpecial = true;
                continue;
            }
            if (_spm is not null)
            {
                string escaped = (_data.AddSpacePrefix && previousWasSpecial ? " " + fragment : fragment).Replace(' ', '▁');
                _spm.Encode(escaped, output);
            }
            else
            {
                foreach (var word in _preTokenizer!.Split(fragment)) _bpe!.Encode(ByteLevelAlphabet.EncodeUtf8(word), output);
            }
            previousWasSpecial = false;
        }
        if (addSpecial && _data.AddEos) output.Add(_data.EosId!.Value);
        return output.ToArray();
    }

    /// <summary>The text between special tokens (token -1) and the special tokens themselves, in order.</summary>
    private List<(string Text, int Token)> Partition(string text, bool parseSpecial)
    {
        var fragments = new List<(string Text, int Token)>();
        if (text.Length == 0) return fragments;
        fragments.Add((text, -1));
        foreach (int id in _specialTokens)
        {
            if (!parseSpecial && (_data.Attributes[id] & (GgufTokenAttributes.Control | GgufTokenAttributes.Unknown)) != 0) continue;
            string special = _data.Tokens[id];
            for (int i = 0; i < fragments.Count; i++)
            {
                var (fragment, token) = fragments[i];
                if (token >= 0) continue;
                int at = fragment.IndexOf(special, StringComparison.Ordinal);
                if (at < 0) continue;
                var pieces = new List<(string, int)>();
                int pos = 0;
                for (; at >= 0; at = fragment.IndexOf(special, pos, StringComparison.Ordinal))
                {
                    if (at > pos) pieces.Add((fragment[pos..at], -1));
                    pieces.Add((special, id));
                    pos = at + special.Length;
                }
                if (pos < fragment.Length) pieces.Add((fragment[pos..], -1));
                fragments.RemoveAt(i);
                fragments.InsertRange(i, pieces);
                i += pieces.Count - 1;
            }
        }
        return fragments;
    }

    /// <summary>
    /// llama_token_to_piece with special = true: the bytes a token stands for (▁ as a space for "llama", byte-level
    /// characters as their bytes for "gpt2", &lt;0xNN&gt; as that byte, control/unknown/user-defined tokens as their
    /// text, unused tokens as nothing). May be an incomplete UTF-8 sequence.
    /// </summary>
    public byte[] TokenPiece(int id)
    {
        if ((uint)id >= (uint)_data.Tokens.Length) return [];
        string text = _data.Tokens[id];
        var attr = _data.Attributes[id];
        if ((attr & (GgufTokenAttributes.Control | GgufTokenAttributes.Unknown | GgufTokenAttributes.UserDefined)) != 0)
            return Encoding.UTF8.GetBytes(text);
        if ((attr & GgufTokenAttributes.Normal) != 0)
            return _spm is not null ? Encoding.UTF8.GetBytes(text.Replace('▁', ' ')) : ByteLevelBytes(text);
        if ((attr & GgufTokenAttributes.Byte) != 0) return ByteOf(text) is { } b ? [b] : [];
        return [];
    }

    /// <summary>The byte a byte token stands for: "&lt;0xNN&gt;" for "llama", one byte-level character for "gpt2".</summary>
    private byte? ByteOf(string text)
    {
        if (_spm is not null)
            return text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
                && byte.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out byte b) ? b : null;
        return text.Length == 1 && ByteLevelAlphabet.TryDecode(text[0], out byte c) ? c : null;
    }

    private static byte[] ByteLevelBytes(string text)
    {
        var bytes = new List<byte>(text.Length);
        foreach (char c in text)
        {
            // A character outside the byte alphabet (malformed vocabulary) stands for its own UTF-8.
            if (ByteLevelAlphabet.TryDecode(c, out byte b)) bytes.Add(b);
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return bytes.ToArray();
    }

    public bool IsSpecial(int id) =>
        (uint)id < (uint)_data.Tokens.Length && (_data.Attributes[id] & (GgufTokenAttributes.Control | GgufTokenAttributes.Unknown)) != 0;

    /// <summary>
    /// Concatenates the pieces (special tokens dropped with <paramref name="skipSpecialTokens"/>) and reads them as
    /// UTF-8. With add_space_prefix the first piece loses one leading space, as llama_detokenize does.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>(ids.Length * 4);
        bool first = true;
        foreach (int id in ids)
        {
            if (skipSpecialTokens && IsSpecial(id)) continue;
            var piece = TokenPiece(id);
            int skip = first && _data.AddSpacePrefix && piece.Length > 0 && piece[0] == (byte)' ' ? 1 : 0;
            for (int i = skip; i < piece.Length; i++) bytes.Add(piece[i]);
            first = false;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
