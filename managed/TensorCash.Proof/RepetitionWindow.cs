namespace TensorCash.Proof;

/// <summary>
/// The set of tokens the repetition penalty applies to: the distinct ids among the last N context tokens (prompt,
/// salt and generated); N = 0 means the whole context. A token repeated many times is penalised once, as in HF and
/// llama.cpp. Incremental: <see cref="Add"/> is O(1), so a step costs the same at a 100k-token context as at 10 tokens
/// (the set used to be rebuilt from the whole context every step: milliseconds per step at long contexts, a tier-1 DoS).
/// </summary>
public sealed class RepetitionWindow
{
    private readonly List<int> _context;
    private readonly Dictionary<int, int> _counts = [];
    private readonly uint _lastN;

    public RepetitionWindow(ReadOnlySpan<int> context, uint lastN)
    {
        _lastN = lastN;
        _context = new List<int>(context.Length + 64);
        foreach (var token in context) Add(token);
    }

    /// <summary>The penalised tokens now: a live view, valid until the next <see cref="Add"/>.</summary>
    public IReadOnlySet<int> Penalized => new KeySet(_counts);

    /// <summary>Appends a context token; the token that falls out of the last-N window, if any, leaves the set when no copy of it remains.</summary>
    public void Add(int token)
    {
        _context.Add(token);
        _counts[token] = _counts.GetValueOrDefault(token) + 1;
        if (_lastN == 0 || _context.Count <= _lastN) return;
        int leaving = _context[_context.Count - 1 - (int)_lastN];
        if (--_counts[leaving] == 0) _counts.Remove(leaving);
    }

    /// <summary>The distinct ids among the last <paramref name="lastN"/> tokens of <paramref name="context"/> (0 = all).</summary>
    public static IReadOnlySet<int> PenalizedTokens(ReadOnlySpan<int> context, uint lastN) => new HashSet<int>(new RepetitionWindow(context, lastN)._counts.Keys);

    private sealed class KeySet(Dictionary<int, int> counts) : IReadOnlySet<int>
    {
        public int Count => counts.Count;
        public bool Contains(int item) => counts.ContainsKey(item);
        public IEnumerator<int> GetEnumerator() => counts.Keys.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public bool IsProperSubsetOf(IEnumerable<int> other) => new HashSet<int>(counts.Keys).IsProperSubsetOf(other);
        public bool IsProperSupersetOf(IEnumerable<int> other) => new HashSet<int>(counts.Keys).IsProperSupersetOf(other);
        public bool IsSubsetOf(IEnumerable<int> other) => new HashSet<int>(counts.Keys).IsSubsetOf(other);
        public bool IsSupersetOf(IEnumerable<int> other) => new HashSet<int>(counts.Keys).IsSupersetOf(other);
        public bool Overlaps(IEnumerable<int> other) => other.Any(counts.ContainsKey);
        public bool SetEquals(IEnumerable<int> other) => new HashSet<int>(counts.Keys).SetEquals(other);
    }
}
