using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Node.Storage;

namespace TensorCash.Node.Chainstate;

/// <summary>
/// A stored block's place in the in-memory block tree (Bitcoin Core's CBlockIndex): the persisted row plus links
/// to its parent and children, so ancestors, forks and descendants are found without touching the database, and the
/// model registry after the block (derived from the parent's, so every branch has its own exact snapshots; the
/// snapshots share their unchanged entries).
/// </summary>
internal sealed class BlockIndexEntry(BlockIndexRecord record, BlockIndexEntry? parent, ModelRegistry registry)
{
    public Hash256 Hash { get; } = record.Hash;
    public BlockHeader Header { get; } = record.Header;
    public int Height { get; } = record.Height;
    public BigInteger ChainWork { get; } = record.ChainWork;
    public long Sequence { get; } = record.Sequence;
    public BlockStatus Status { get; set; } = record.Status;
    public BlockIndexEntry? Parent { get; } = parent;
    public List<BlockIndexEntry> Children { get; } = [];

    /// <summary>The model registry after this block: what its children are checked against. Immutable.</summary>
    public ModelRegistry Registry { get; } = registry;

    /// <summary>Why connecting this block failed, when it failed in this process (not persisted: only the flag is).</summary>
    public RuleViolation? Failure { get; set; }

    public bool IsFailed => (Status & BlockStatus.FailedMask) != 0;

    public BlockIndexRecord ToRecord() => new(Hash, Header, Height, ChainWork, Status, Sequence);

    /// <summary>This block's ancestor at <paramref name="height"/> (itself at its own height).</summary>
    public BlockIndexEntry Ancestor(int height)
    {
        if (height < 0 || height > Height) throw new ArgumentOutOfRangeException(nameof(height), height, $"block {Hash} is at height {Height}");
        var entry = this;
        while (entry.Height > height) entry = entry.Parent!;
        return entry;
    }

    /// <summary>Median of the times of this block and up to 10 ancestors (BIP113).</summary>
    public long GetMedianTimePast()
    {
        var times = new List<long>(MedianTimePast.Span);
        for (var entry = this; entry is not null && times.Count < MedianTimePast.Span; entry = entry.Parent)
            times.Add(entry.Header.Time);
        times.Reverse();
        return MedianTimePast.Compute(times);
    }
}
