namespace TensorCash.Engine.Tokenization;

/// <summary>
/// The merge loop llama.cpp's two BPE variants share (<see cref="ByteLevelMerger"/>, <see cref="SentencePieceMerger"/>):
/// a word is a chain of symbols, each a contiguous span of the text; every adjacent pair the caller rates is queued by
/// (rating, left position), the best pair merges first (ties: leftmost), and a popped pair whose sides changed since
/// it was queued is dropped. Symbols only grow, so "unchanged" is exactly: both still alive, still adjacent, and their
/// lengths still add up to the size queued. The variants differ only in how a pair is rated.
/// </summary>
internal static class SymbolChain
{
    /// <summary>Rates the pair of spans [leftStart, +leftLength) and [.., +rightLength) right after it; false: never merge.</summary>
    public delegate bool RatePair<TRating>(int leftStart, int leftLength, int rightLength, out TRating rating);

    /// <summary>Merges the symbols starting at <paramref name="starts"/> (ascending, the first 0) and returns the final spans in order.</summary>
    public static List<(int Start, int Length)> Merge<TRating>(IReadOnlyList<int> starts, int textLength, RatePair<TRating> rate)
    {
        int n = starts.Count;
        var result = new List<(int, int)>();
        if (n == 0) return result;
        var length = new int[n];
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++)
        {
            length[i] = (i + 1 < n ? starts[i + 1] : textLength) - starts[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        var queue = new PriorityQueue<(int Left, int Right, int Size), (TRating Rating, int Left)>();
        void Offer(int left, int right)
        {
            if (left < 0 || right < 0) return;
            if (rate(starts[left], length[left], length[right], out var rating))
                queue.Enqueue((left, right, length[left] + length[right]), (rating, left));
        }
        for (int i = 1; i < n; i++) Offer(i - 1, i);

        while (queue.TryDequeue(out var pair, out _))
        {
            var (left, right, size) = pair;
            if (length[left] == 0 || length[right] == 0 || next[left] != right || length[left] + length[right] != size) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            Offer(prev[left], left);
            Offer(left, next[left]);
        }

        for (int i = 0; i != -1; i = next[i]) result.Add((starts[i], length[i]));
        return result;
    }
}
