namespace TensorCash.Engine.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json with a BPE model, run the way the Rust "tokenizers" library runs it: split the
/// input on added tokens, normalize the pieces in between, pre-tokenize them into words, BPE each word, then add
/// the post-processor's special tokens. Covers SentencePiece-style BPE with byte fallback (Llama-2, Mistral) and
/// byte-level BPE with a regex pre-tokenizer (Llama-3, Qwen2/Qwen3). Build one with <see cref="TokenizerLoader"/>.
/// Thread-safe: encoding state is per call and the word cache is concurrent.
/// </summary>
public sealed class BpeTokenizer : ITokenizer
{
    private readonly BpeModel _model;
    private readonly TextNormalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly PostProcessor _postProcessor;
    private readonly TokenDecoder? _decoder;
    private readonly AddedTokenSplitter _rawAddedTokens;
    private readonly AddedTokenSplitter _normalizedAddedTokens;
    private readonly Dictionary<string, int> _addedTokenIds;
    private readonly string?[] _idToToken;
    private readonly bool[] _isSpecial;

    public int VocabSize => _idToToken.Length;
    public int? BosTokenId { get; }
    public int? EosTokenId { get; }
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    internal BpeTokenizer(BpeModel model, TextNormalizer? normalizer, PreTokenizer? preTokenizer, PostProcessor postProcessor,
        TokenDecoder? decoder, IReadOnlyList<AddedToken> addedTokens, Func<BpeTokenizer, (int? Bos, int? Eos)> specialIds)
    {
        _model = model;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _postProcessor = postProcessor;
        _decoder = decoder;
        AddedTokens = addedTokens;
        _rawAddedTokens = new AddedTokenSplitter(addedTokens.Where(t => !t.Normalized));
        _normalizedAddedTokens = new AddedTokenSplitter(addedTokens.Where(t => t.Normalized));
        _addedTokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in addedTokens) _addedTokenIds[t.Content] = t.Id;

        int size = Math.Max(model.Vocab.Count == 0 ? 0 : model.Vocab.Values.Max() + 1, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        _idToToken = new string?[size];
        _isSpecial = new bool[size];
        foreach (var (token, id) in model.Vocab) _idToToken[id] = token;
        // Added tokens win over the model vocabulary for the same id, as in HF tokenizers.
        foreach (var t in addedTokens)
        {
            _idToToken[t.Id] = t.Content;
            _isSpecial[t.Id] = t.Special;
        }
        (BosTokenId, EosTokenId) = specialIds(this);
    }

    /// <summary>The id of a token string (added tokens first, then the BPE vocabulary), or null.</summary>
    public int? TokenToId(string token) =>
        _addedTokenIds.TryGetValue(token, out int id) ? id : _model.Vocab.TryGetValue(token, out id) ? id : null;

    /// <summary>The token string of an id (as stored, e.g. "▁the" or "Ġthe"), or null for an id with no token.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Whether the id is an added token flagged special (dropped by Decode with skipSpecialTokens).</summary>
    public bool IsSpecial(int id) => id >= 0 && id < _isSpecial.Length && _isSpecial[id];

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 8);
        if (addSpecialTokens) ids.AddRange(_postProcessor.Prefix);
        var words = new List<string>();
        foreach (var raw in _rawAddedTokens.Split(text))
        {
            if (raw.Token is { } rawToken)
            {
                ids.Add(rawToken.Id);
                continue;
            }
            string normalized = _normalizer?.Normalize(raw.Text) ?? raw.Text;
            foreach (var piece in _normalizedAddedTokens.Split(normalized, raw.Start))
            {
                if (piece.Token is { } token)
                {
                    ids.Add(token.Id);
                    continue;
                }
                words.Clear();
                if (_preTokenizer is null) words.Add(piece.Text);
                else _preTokenizer.Split(piece.Text, piece.Start == 0, words);
                foreach (var word in words) _model.Encode(word, ids);
            }
        }
        if (addSpecialTokens) ids.AddRange(_postProcessor.Suffix);
        return ids.ToArray();
    }

    /// <summary>Ids with no token (e.g. the padding rows of a model's embedding) are skipped, as HF tokenizers does.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (IdToToken(id) is not { } token) continue;
            if (skipSpecialTokens && _isSpecial[id]) continue;
            tokens.Add(token);
        }
        return _decoder is null ? string.Join(' ', tokens) : string.Concat(_decoder.DecodeChain(tokens));
    }
}
