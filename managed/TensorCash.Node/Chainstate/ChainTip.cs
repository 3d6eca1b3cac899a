using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Node.Chainstate;

/// <summary>
/// The last block of the active chain, the total work of the chain it ends, and the model registry after it (which
/// models the next block may run, their D_m, the pending models a miner may signal for). Two tips are equal when they
/// are the same block: the registry is a function of the block (compared by reference it would differ across restarts).
/// </summary>
public sealed record ChainTip(Hash256 Hash, int Height, BlockHeader Header, BigInteger ChainWork, ModelRegistry Registry)
{
    public bool Equals(ChainTip? other) =>
        other is not null && Hash == other.Hash && Height == other.Height && Header == other.Header && ChainWork == other.ChainWork;

    public override int GetHashCode() => HashCode.Combine(Hash, Height);
}

/// <summary>
/// A block's header and what checking a child header needs (ChainState.GetStoredHeader). <see cref="Registry"/> is
/// the model registry after the block when the block is stored (exact); null for a header the P2P layer checked but
/// whose block is not stored yet.
/// </summary>
public sealed record StoredHeader(Hash256 Hash, BlockHeader Header, int Height, BigInteger ChainWork, long[] RecentTimes, bool Failed, bool Active,
    ModelRegistry? Registry = null);
