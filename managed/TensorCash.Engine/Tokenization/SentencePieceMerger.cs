using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// llama.cpp's SentencePiece ("llama" GGUF) merge loop. The text starts as one symbol per code point; any two adjacent
/// symbols whose concatenation is a token are a candidate, and the candidate whose token has the highest score merges
/// first (ties: leftmost). Stale candidates (a side already merged elsewhere) are dropped when popped. A final symbol
/// that is not a token is a single code point outside the vocabulary: it becomes one &lt;0xNN&gt; token per UTF-8 byte.
/// (llama.cpp also keeps a map to undo merges whose result is not a token; a merge only ever forms a token, so that
/// path cannot be taken and is not reproduced.)
/// </summary>
internal sealed class SentencePieceMerger(Dictionary<string, int> tokenToId, float[] scores, string source)
{
    public void Encode(string text, List<int> output)
    {
        // Symbols as (start, length) in UTF-16 units; a merged symbol always covers a contiguous span of the text.
        var starts = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1)
            starts.Add(i);
        // Max-score first, then the leftmost: the chain's min-queue on -score.
        var symbols = SymbolChain.Merge(starts, text.Length, (int left, int leftLength, int rightLength, out float negScore) =>
        {
            bool known = tokenToId.TryGetValue(text.Substring(left, leftLength + rightLength), out int id);
            negScore = known ? -scores[id] : 0;
            return known;
        });

        foreach (var (start, length) in symbols)
        {
            string symbol = text.Substring(start, length);
            if (tokenToId.TryGetValue(symbol, out int id)) output.Add(id);
            else foreach (byte b in Encoding.UTF8.GetBytes(symbol)) output.Add(ByteToken(b));
        }
    }

    private int ByteToken(byte b)
    {
        if (tokenToId.TryGetValue(BpeModel.ByteFallbackToken(b), out int id)) return id;
        // llama.cpp then tries the byte as a one-character token (it aborts when that is missing too).
        if (b < 0x80 && tokenToId.TryGetValue(((char)b).ToString(), out id)) return id;
        throw new TokenizerFormatException(source, "tokenizer.ggml.tokens",
            $"the text needs byte token {BpeModel.ByteFallbackToken(b)}, which the vocabulary lacks");
    }
}
