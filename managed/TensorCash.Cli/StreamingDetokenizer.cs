using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli;

/// <summary>
/// Turns a stream of token ids into text pieces as they arrive, without ever printing half a UTF-8
/// character (a byte-level token can carry part of one) and without losing the spaces some
/// tokenizers only produce in context. It re-decodes a short window: the tokens since the last
/// emitted piece, with the piece before them as a prefix, and emits the new tail once it no longer
/// ends in U+FFFD (an incomplete sequence). Special tokens are skipped.
/// </summary>
public sealed class StreamingDetokenizer(ITokenizer tokenizer)
{
    private readonly List<int> _ids = [];
    private int _prefixStart; // start of the already-printed tokens used as decoding context
    private int _readStart;   // first token not yet printed

    /// <summary>Adds a token; returns the text that became printable (often empty).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        string prefix = Decode(_prefixStart, _readStart);
        string full = Decode(_prefixStart, _ids.Count);
        if (full.Length <= prefix.Length || full.EndsWith('\uFFFD')) return "";
        _prefixStart = _readStart;
        _readStart = _ids.Count;
        return full[prefix.Length..];
    }

    /// <summary>Whatever is still held back at the end of the stream (an incomplete character prints as U+FFFD).</summary>
    public string Flush()
    {
        string prefix = Decode(_prefixStart, _readStart);
        string full = Decode(_prefixStart, _ids.Count);
        _prefixStart = _readStart = _ids.Count;
        return full.Length > prefix.Length ? full[prefix.Length..] : "";
    }

    private string Decode(int from, int to) =>
        from == to ? "" : tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids)[from..to], skipSpecialTokens: true);
}
