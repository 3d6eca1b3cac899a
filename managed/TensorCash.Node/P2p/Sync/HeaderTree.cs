using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Chainstate;

namespace TensorCash.Node.P2p.Sync;

/// <summary>
/// Proof-carrying headers this node checked (header rules and tier 1) but whose blocks it has not stored yet: the
/// "headers" half of headers-first sync (Bitcoin Core keeps them in its block index with BLOCK_VALID_TREE). Every
/// entry's parent is either another entry or a block in the chainstate, so each entry knows its height, chain work
/// and the times its children's median-time-past needs. In memory only (a restarted node asks its peers again), and
/// bounded by ProtocolLimits.MaxHeaderTreeEntries. Not thread-safe: the owner (<see cref="BlockSync"/>) locks.
/// </summary>
internal sealed class HeaderTree(ChainState chain)
{
    private readonly Dictionary<Hash256, StoredHeader> _entries = new();
    private readonly Dictionary<Hash256, List<Hash256>> _children = new();

    public int Count => _entries.Count;

    /// <summary>An entry of the tree, else the stored block, else null.</summary>
    public StoredHeader? Find(Hash256 hash) => _entries.TryGetValue(hash, out var entry) ? entry : chain.GetStoredHeader(hash);

    public bool Contains(Hash256 hash) => _entries.ContainsKey(hash);

    /// <summary>The context a header with parent <paramref name="parent"/> is checked in.</summary>
    public static HeaderContext ContextFor(StoredHeader parent, long adjustedNow) =>
        new(parent.Height + 1, parent.Header, MedianTimePast.Compute(parent.RecentTimes), adjustedNow);

    /// <summary>Adds a checked header whose parent is <paramref name="parent"/>.</summary>
    public StoredHeader Add(BlockHeader header, StoredHeader parent)
    {
        var entry = Child(header, parent);
        _entries[entry.Hash] = entry;
        if (!_children.TryGetValue(header.PrevBlock, out var siblings)) _children[header.PrevBlock] = siblings = [];
        siblings.Add(entry.Hash);
        return entry;
    }

    /// <summary>The entry <paramref name="header"/> gets as a child of <paramref name="parent"/> (not added).</summary>
    public static StoredHeader Child(BlockHeader header, StoredHeader parent)
    {
        long[] times = parent.RecentTimes.Length < MedianTimePast.Span
            ? [.. parent.RecentTimes, (long)header.Time]
            : [.. parent.RecentTimes.AsSpan(1), (long)header.Time];
        return new StoredHeader(header.Hash, header, parent.Height + 1, parent.ChainWork + ChainWork.ForBits(header.Bits), times, false, false);
    }

    /// <summary>Forgets an entry whose block is now stored (the chainstate answers for it from here on).</summary>
    public void Remove(Hash256 hash)
    {
        if (!_entries.Remove(hash, out var entry)) return;
        if (_children.TryGetValue(entry.Header.PrevBlock, out var siblings))
        {
            siblings.Remove(hash);
            if (siblings.Count == 0) _children.Remove(entry.Header.PrevBlock);
        }
    }

    /// <summary>Drops an entry and every descendant (its block failed); returns how many were dropped.</summary>
    public int RemoveWithDescendants(Hash256 hash)
    {
        int removed = 0;
        var pending = new Stack<Hash256>();
        pending.Push(hash);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (_children.Remove(next, out var children)) foreach (var child in children) pending.Push(child);
            if (_entries.ContainsKey(next)) { Remove(next); removed++; }
        }
        return removed;
    }

    /// <summary>The entry with the most chain work (the first added among equals), or null when the tree is empty.</summary>
    public StoredHeader? Best()
    {
        StoredHeader? best = null;
        foreach (var entry in _entries.Values)
            if (best is null || entry.ChainWork > best.ChainWork) best = entry;
        return best;
    }

    /// <summary>
    /// The entries from the first one whose block is not stored up to <paramref name="tip"/>, oldest first: the blocks to
    /// download for that chain. Stops at <paramref name="max"/> entries from the bottom.
    /// </summary>
    public List<StoredHeader> MissingBlocksTo(StoredHeader tip, int max)
    {
        var path = new List<StoredHeader>();
        for (var entry = tip; _entries.TryGetValue(entry.Hash, out _);)
        {
            path.Add(entry);
            if (!_entries.TryGetValue(entry.Header.PrevBlock, out var parent)) break;
            entry = parent;
        }
        path.Reverse();
        if (path.Count > max) path.RemoveRange(max, path.Count - max);
        return path;
    }

    /// <summary>The hashes of the tree entries on the chain ending at <paramref name="tip"/> (what a peer that announced it can serve).</summary>
    public HashSet<Hash256> ChainOf(Hash256 tip)
    {
        var set = new HashSet<Hash256>();
        for (var hash = tip; _entries.TryGetValue(hash, out var entry); hash = entry.Header.PrevBlock) set.Add(hash);
        return set;
    }

}
