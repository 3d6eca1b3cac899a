namespace TensorCash.Proving.ModelEquality;

/// <summary>
/// Two samples of completions, grouped by prompt, turned into per-(prompt, position) dense codes so that the MMD
/// statistic of any relabelling costs one pass of counting (<see cref="HammingMmd"/>). X = reference,
/// Y = candidate. completions[p][s] is the token ids of sample s for prompt p; a prompt may have different numbers of
/// samples on the two sides, but both sides must list the same prompts. Immutable after construction.
/// </summary>
public sealed class MmdSamples
{
    private const int Pad = -1; // positions past a completion's end: a symbol that no token equals

    private readonly int[][] _codes;        // per prompt: position-major codes, _codes[p][i * count_p + s]
    private readonly int[][] _distinct;     // per prompt: distinct codes at each position
    private readonly int[] _offsets;        // first pooled index of each prompt
    private readonly long _sumTotalSquares; // Σ c(p,i,v)², c = c_X + c_Y: fixed under relabelling

    public MmdSamples(IReadOnlyList<IReadOnlyList<int[]>> reference, IReadOnlyList<IReadOnlyList<int[]>> candidate, int length)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        if (length < 1 || length > HammingMmd.MaxCompletionLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"completion length must be in [1, {HammingMmd.MaxCompletionLength}]");
        if (reference.Count != candidate.Count)
            throw new ArgumentException($"the reference sample covers {reference.Count} prompts and the candidate {candidate.Count}; both must list the same prompts");
        if (reference.Count == 0) throw new ArgumentException("no prompts");

        Length = length;
        Prompts = reference.Count;
        _codes = new int[Prompts][];
        _distinct = new int[Prompts][];
        _offsets = new int[Prompts + 1];
        var labels = new List<bool>();
        long nx = 0, ny = 0;
        for (int p = 0; p < Prompts; p++)
        {
            var xs = reference[p] ?? throw new ArgumentException($"prompt {p}: reference completions are missing");
            var ys = candidate[p] ?? throw new ArgumentException($"prompt {p}: candidate completions are missing");
            nx += xs.Count;
            ny += ys.Count;
            if (nx > HammingMmd.MaxSamplesPerSide || ny > HammingMmd.MaxSamplesPerSide)
                throw new ArgumentException($"more than {HammingMmd.MaxSamplesPerSide} completions on one side");
            int count = xs.Count + ys.Count;
            _offsets[p + 1] = _offsets[p] + count;
            var pooled = new int[count][];
            for (int s = 0; s < xs.Count; s++) { pooled[s] = Checked(xs[s], p, s, "reference"); labels.Add(true); }
            for (int s = 0; s < ys.Count; s++) { pooled[xs.Count + s] = Checked(ys[s], p, s, "candidate"); labels.Add(false); }
            (_codes[p], _distinct[p]) = Encode(pooled, length);
        }
        if (nx < 2 || ny < 2) throw new ArgumentException($"each side needs at least 2 completions (reference {nx}, candidate {ny})");
        ReferenceCount = (int)nx;
        CandidateCount = (int)ny;
        OriginalLabels = labels.ToArray();

        long squares = 0;
        for (int p = 0; p < Prompts; p++)
        {
            int count = _offsets[p + 1] - _offsets[p];
            var counts = new int[count];
            for (int i = 0; i < length; i++)
            {
                Array.Clear(counts, 0, _distinct[p][i]);
                var codes = _codes[p].AsSpan(i * count, count);
                foreach (int c in codes) counts[c]++;
                for (int v = 0; v < _distinct[p][i]; v++) squares += (long)counts[v] * counts[v];
            }
        }
        _sumTotalSquares = squares;
        Denominator = (double)ReferenceCount * (ReferenceCount - 1) * CandidateCount * (CandidateCount - 1) * length;
    }

    public int Length { get; }
    public int Prompts { get; }
    public int ReferenceCount { get; }
    public int CandidateCount { get; }
    /// <summary>Pooled samples in order: per prompt its reference completions, then its candidate ones.</summary>
    public int PooledCount => _offsets[^1];
    /// <summary>True for a reference (X) sample, in pooled order.</summary>
    public bool[] OriginalLabels { get; }
    /// <summary>n_X(n_X−1)·n_Y(n_Y−1)·L: divides the integer statistic into MMD²_u.</summary>
    public double Denominator { get; }

    /// <summary>First pooled index of prompt <paramref name="p"/> and its number of pooled samples.</summary>
    public (int Start, int Count) PromptRange(int p) => (_offsets[p], _offsets[p + 1] - _offsets[p]);

    /// <summary>The integer statistic T for a labelling (true = X) with the original per-side sizes.</summary>
    internal Int128 Statistic(ReadOnlySpan<bool> isX)
    {
        if (isX.Length != PooledCount) throw new ArgumentException($"labels cover {isX.Length} samples, expected {PooledCount}");
        long sumXSquares = 0, sumXTotal = 0; // Σ c_X², Σ c_X·c
        int nx = 0;
        foreach (bool x in isX) if (x) nx++;
        if (nx != ReferenceCount) throw new ArgumentException($"labelling has {nx} reference samples, expected {ReferenceCount}");

        int[] counts = [], xCounts = [];
        for (int p = 0; p < Prompts; p++)
        {
            var (start, count) = PromptRange(p);
            if (counts.Length < count) { counts = new int[count]; xCounts = new int[count]; }
            var labels = isX.Slice(start, count);
            for (int i = 0; i < Length; i++)
            {
                int distinct = _distinct[p][i];
                Array.Clear(counts, 0, distinct);
                Array.Clear(xCounts, 0, distinct);
                var codes = _codes[p].AsSpan(i * count, count);
                for (int s = 0; s < count; s++)
                {
                    counts[codes[s]]++;
                    if (labels[s]) xCounts[codes[s]]++;
                }
                for (int v = 0; v < distinct; v++)
                {
                    sumXSquares += (long)xCounts[v] * xCounts[v];
                    sumXTotal += (long)xCounts[v] * counts[v];
                }
            }
        }
        long n1 = ReferenceCount, n2 = CandidateCount, l = Length;
        // c_Y = c − c_X, so Σ c_Y² = Σ c² − 2 Σ c·c_X + Σ c_X² and Σ c_X·c_Y = Σ c·c_X − Σ c_X².
        Int128 sxx = sumXSquares - n1 * l;
        Int128 syy = _sumTotalSquares - 2 * sumXTotal + sumXSquares - n2 * l;
        Int128 sxy = sumXTotal - sumXSquares;
        return sxx * (n2 * (n2 - 1)) + syy * (n1 * (n1 - 1)) - 2 * sxy * ((n1 - 1) * (n2 - 1));
    }

    private static int[] Checked(int[] tokens, int p, int s, string side)
    {
        if (tokens is null) throw new ArgumentException($"prompt {p}: {side} completion {s} is missing");
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] < 0) throw new ArgumentException($"prompt {p}: {side} completion {s} has token {tokens[i]} at position {i}; token ids are >= 0");
        return tokens;
    }

    /// <summary>Per position, renumbers the symbols seen (tokens or the pad) as 0, 1, 2, ... in order of appearance.</summary>
    private static (int[] Codes, int[] Distinct) Encode(int[][] pooled, int length)
    {
        int count = pooled.Length;
        var codes = new int[length * count];
        var distinct = new int[length];
        var seen = new Dictionary<int, int>();
        for (int i = 0; i < length; i++)
        {
            seen.Clear();
            for (int s = 0; s < count; s++)
            {
                int symbol = i < pooled[s].Length ? pooled[s][i] : Pad;
                if (!seen.TryGetValue(symbol, out int code)) seen[symbol] = code = seen.Count;
                codes[i * count + s] = code;
            }
            distinct[i] = seen.Count;
        }
        return (codes, distinct);
    }
}
