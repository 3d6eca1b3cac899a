using TensorCash.Engine.Runtime;

namespace TensorCash.Proving.Replay;

/// <summary>One forward call of a replay: context[Start..End) with logits for every row, the last row, or none.</summary>
internal readonly record struct ReplayCall(int Start, int End, LogitsMode Mode)
{
    public int Length => End - Start;
}

/// <summary>
/// How a teacher-forced replay feeds its context so that the rows it checks get logits and as little else as possible.
/// The engine's logits do not depend on how the context is split into calls, so the plan only changes the cost, never
/// a bit of the result. Two costs trade off: every extra forward call streams all weights once more (on a CPU about
/// one decode step), while a row inside a call that returns logits for all rows pays the LM head (V·d multiply-adds)
/// for nothing. So a call that ends at a checked row asks for the last row only and carries any lead-in for free;
/// checked rows closer than <see cref="MergeGap"/> share a call that returns every row; rows after the last checked
/// one are never fed.
/// </summary>
internal static class ReplayPlan
{
    /// <summary>
    /// Unchecked rows whose LM head costs about as much as one more forward call. On a 2-core CPU an LM-head row
    /// (32000 × 1024 multiply-adds at prefill speed) takes ~0.5 ms and a weight pass 12–20 ms, so the break-even is
    /// 25–40 rows; the value only moves cost between the two terms.
    /// </summary>
    public const int MergeGap = 32;

    /// <param name="contextLength">Rows to feed; the last one must be the last wanted row.</param>
    /// <param name="wantedRows">Context rows that need logits, strictly ascending.</param>
    public static List<ReplayCall> Build(int contextLength, IReadOnlyList<int> wantedRows, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (wantedRows.Count == 0 || wantedRows[^1] != contextLength - 1)
            throw new ArgumentException("the context must end at the last wanted row", nameof(wantedRows));
        var calls = new List<ReplayCall>();
        int pos = 0;
        for (int i = 0; i < wantedRows.Count;)
        {
            int j = i;
            while (j + 1 < wantedRows.Count && wantedRows[j + 1] - wantedRows[j] <= MergeGap) j++;
            int start = pos;
            if (i < j && wantedRows[i] - pos > MergeGap)
            {
                // A long lead-in before a group that needs every row's logits goes in calls without logits.
                AddPieces(calls, pos, wantedRows[i], wantedRows, chunkSize);
                start = wantedRows[i];
            }
            // A lone row: only the last chunk-sized piece before it shares its call (Last mode, no waste).
            AddPieces(calls, start, wantedRows[j] + 1, wantedRows, chunkSize);
            pos = wantedRows[j] + 1;
            i = j + 1;
        }
        return calls;
    }

    /// <summary>[from, to) in calls of at most <paramref name="chunkSize"/> rows, aligned so the last call ends at <paramref name="to"/>.</summary>
    private static void AddPieces(List<ReplayCall> calls, int from, int to, IReadOnlyList<int> wantedRows, int chunkSize)
    {
        // The first piece takes the remainder, so the final piece (the one ending at a wanted row) is a full chunk
        // and carries as much lead-in as possible into a Last-mode call.
        int first = (to - from) % chunkSize;
        for (int start = from, end = from + (first == 0 ? chunkSize : first); start < to; start = end, end = Math.Min(to, end + chunkSize))
            calls.Add(new ReplayCall(start, end, ModeFor(start, end, wantedRows)));
    }

    private static LogitsMode ModeFor(int start, int end, IReadOnlyList<int> wantedRows)
    {
        int count = 0;
        bool last = false;
        foreach (int row in wantedRows)
            if (row >= start && row < end)
            {
                count++;
                last = row == end - 1;
            }
        return count == 0 ? LogitsMode.None : count == 1 && last ? LogitsMode.Last : LogitsMode.All;
    }
}
