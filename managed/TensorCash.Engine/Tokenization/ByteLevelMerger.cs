using System.Text;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// llama.cpp's byte-level BPE ("gpt2" GGUF) merge loop for one pre-tokenized word already spelled in the byte-level
/// alphabet. Symbols start as single characters; the adjacent pair with the lowest merge rank merges first (ties:
/// leftmost); candidates whose sides changed since they were queued are dropped. With ignore_merges (Llama-3) a word
/// that is a token as a whole is taken as is. A final symbol that is not a token falls back to its single-byte
/// characters that are tokens, as llama.cpp does (unreachable with a complete byte alphabet).
/// </summary>
internal sealed class ByteLevelMerger
{
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<(string Left, string Right), int> _ranks = new();
    private readonly bool _ignoreMerges;

    public ByteLevelMerger(Dictionary<string, int> tokenToId, (string Left, string Right)[] merges, bool ignoreMerges)
    {
        _tokenToId = tokenToId;
        _ignoreMerges = ignoreMerges;
        for (int rank = 0; rank < merges.Length; rank++) _ranks.TryAdd(merges[rank], rank);
    }

    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _tokenToId.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }
        int n = word.Length;
        var length = new int[n];
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++) (length[i], prev[i], next[i]) = (1, i - 1, i + 1 < n ? i + 1 : -1);

        var queue = new PriorityQueue<(int Left, int Right, int Size), (int Rank, int Left)>();
        void Offer(int left, int right)
        {
            if (left < 0 || right < 0) return;
            if (!_ranks.TryGetValue((word.Substring(left, length[left]), word.Substring(right, length[right])), out int rank)) return;
            queue.Enqueue((left, right, length[left] + length[right]), (rank, left));
        }
        for (int i = 1; i < n; i++) Offer(i - 1, i);

        while (queue.TryDequeue(out var bigram, out _))
        {
            var (left, right, size) = bigram;
            // Symbols only grow, so unchanged sides are exactly "the two lengths still add up and the right one is next".
            if (length[left] == 0 || length[right] == 0 || next[left] != right || length[left] + length[right] != size) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            Offer(prev[left], left);
            Offer(left, next[left]);
        }

        for (int i = 0; i != -1; i = next[i])
        {
            string symbol = word.Substring(i, length[i]);
            if (_tokenToId.TryGetValue(symbol, out int id)) output.Add(id);
            else
                foreach (byte b in Encoding.UTF8.GetBytes(symbol))
                    if (b < 0x80 && _tokenToId.TryGetValue(((char)b).ToString(), out int single)) output.Add(single);
        }
    }
}
