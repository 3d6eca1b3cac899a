namespace TensorCash.Node.Mempool;

/// <summary>
/// A pooled transaction's place in the pool's graph: its in-pool parents and children, and the totals over itself and
/// all its in-pool descendants (Core's "with descendants" figures), kept up to date as entries come and go. Only the
/// pool touches it, under its lock.
/// </summary>
internal sealed class PoolEntry(MempoolEntry entry, Chain.Registry.RegistryAction? action = null)
{
    public MempoolEntry Entry { get; } = entry;
    /// <summary>The transaction's model-registry operation (a registration or a challenge), if it carries one.</summary>
    public Chain.Registry.RegistryAction? Action { get; } = action;
    public HashSet<PoolEntry> Parents { get; } = new();
    public HashSet<PoolEntry> Children { get; } = new();

    public long DescendantFees { get; private set; } = entry.Fee;
    public long DescendantBytes { get; private set; } = entry.Size;
    public int DescendantCount { get; private set; } = 1;

    /// <summary>
    /// Recomputes the descendant totals from the current links. Walking is cheap (the descendant limit bounds it) and,
    /// unlike adding and subtracting, stays right whatever combination of entries came or went.
    /// </summary>
    public void RecountDescendants()
    {
        long fees = 0, bytes = 0;
        var descendants = WithDescendants();
        foreach (var descendant in descendants)
        {
            fees += descendant.Entry.Fee;
            bytes += descendant.Entry.Size;
        }
        (DescendantFees, DescendantBytes, DescendantCount) = (fees, bytes, descendants.Count);
    }

    /// <summary>This entry and everything in the pool that spends from it, directly or not.</summary>
    public HashSet<PoolEntry> WithDescendants()
    {
        var found = new HashSet<PoolEntry>();
        var pending = new Stack<PoolEntry>();
        pending.Push(this);
        while (pending.TryPop(out var next))
            if (found.Add(next))
                foreach (var child in next.Children) pending.Push(child);
        return found;
    }

    /// <summary>
    /// All in-pool ancestors reachable from <paramref name="parents"/>, the parents included; the walk stops once more
    /// than <paramref name="stopAbove"/> are found, so a newcomer with thousands of pooled parents costs little to refuse.
    /// </summary>
    public static HashSet<PoolEntry> Ancestors(IEnumerable<PoolEntry> parents, int stopAbove = int.MaxValue)
    {
        var found = new HashSet<PoolEntry>();
        var pending = new Stack<PoolEntry>(parents);
        while (found.Count <= stopAbove && pending.TryPop(out var next))
            if (found.Add(next))
                foreach (var parent in next.Parents) pending.Push(parent);
        return found;
    }

    /// <summary>
    /// Core's descendant score, the eviction key: the better of the entry's own rate and its package-with-descendants rate.
    /// Taking the better one means a cheap parent whose child pays for it (CPFP) is kept for the child's sake, while an
    /// expensive parent is not dragged down by a cheap child (the child has its own, lower score and goes first).
    /// </summary>
    public (long Fee, long Bytes) DescendantScore =>
        FeeRate.Compare(Entry.Fee, Entry.Size, DescendantFees, DescendantBytes) >= 0 ? (Entry.Fee, Entry.Size) : (DescendantFees, DescendantBytes);

    /// <summary>Worst first: lowest descendant score, and among equals the newest, as Core evicts.</summary>
    public static readonly IComparer<PoolEntry> EvictionOrder = Comparer<PoolEntry>.Create((a, b) =>
    {
        var (feeA, bytesA) = a.DescendantScore;
        var (feeB, bytesB) = b.DescendantScore;
        int byScore = FeeRate.Compare(feeA, bytesA, feeB, bytesB);
        return byScore != 0 ? byScore : b.Entry.Sequence.CompareTo(a.Entry.Sequence);
    });
}
