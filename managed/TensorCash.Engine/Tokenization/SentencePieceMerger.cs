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
        int n = starts.Count;
        if (n == 0) return;
        var length = new int[n];
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++)
        {
            length[i] = (i + 1 < n ? starts[i + 1] : text.Length) - starts[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        // Max-score first, then the leftmost: a min-queue on (-score, left).
        var queue = new PriorityQueue<(int Left, int Right, int Size), (float NegScore, int Left)>();
        void Offer(int left, int right)
        {
            if (left < 0 || right < 0) return;
            int size = length[left] + length[right];
            if (!tokenToId.TryGetValue(text.Substring(starts[left], size), out int id)) return;
            queue.Enqueue((left, right, size), (-scores[id], left));
        }
        for (int i = 1; i < n; i++) Offer(i - 1, i);

        while (queue.TryDequeue(out var bigram, out _))
        {
            var (left, right, size) = bigram;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != size) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            Offer(prev[left], left);
            Offer(left, next[left]);
        }

        for (int i = 0; i != -1; i = next[i])
        {
            string symbol = text.Substring(starts[i], length[i]);
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
