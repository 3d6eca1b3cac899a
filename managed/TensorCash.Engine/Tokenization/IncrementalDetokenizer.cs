namespace TensorCash.Engine.Tokenization;

/// <summary>
/// Turns a stream of generated token ids into text pieces that are safe to print as they arrive. A character can
/// span several tokens (byte-fallback or byte-level pieces of a multi-byte UTF-8 sequence), and decoders such as
/// SentencePiece's strip the leading space of the first token, so decoding each token alone would print U+FFFD
/// garbage and lose spaces. Instead a short window of recent ids is decoded with and without the new ids, and only
/// the difference is emitted, and only once it no longer ends in an incomplete character (U+FFFD).
/// </summary>
public sealed class IncrementalDetokenizer
{
    private readonly ITokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    // _ids[_prefixStart.._readStart] has already been printed and is decoded again only as context.
    private int _prefixStart;
    private int _readStart;

    public IncrementalDetokenizer(ITokenizer tokenizer, bool skipSpecialTokens = true)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one generated id; returns the text that became printable (often empty mid-character).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        string context = _tokenizer.Decode(span[_prefixStart.._readStart], _skipSpecialTokens);
        string full = _tokenizer.Decode(span[_prefixStart..], _skipSpecialTokens);
        if (full.Length <= context.Length || full.EndsWith('\uFFFD')) return "";
        _prefixStart = _readStart;
        _readStart = _ids.Count;
        return full[context.Length..];
    }

    /// <summary>Returns whatever is still held back (e.g. a sequence that really ends in U+FFFD) at end of stream.</summary>
    public string Flush()
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        string context = _tokenizer.Decode(span[_prefixStart.._readStart], _skipSpecialTokens);
        string full = _tokenizer.Decode(span[_prefixStart..], _skipSpecialTokens);
        _prefixStart = _readStart = _ids.Count;
        return full.Length > context.Length ? full[context.Length..] : "";
    }
}
