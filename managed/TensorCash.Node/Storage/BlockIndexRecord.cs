using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Storage;

/// <summary>
/// One row of block_index: a stored block's header and where it sits in the block tree.
/// <paramref name="ChainWork"/> is the total work of the chain ending at this block; <paramref name="Sequence"/>
/// is the arrival order, which breaks ties between chains of equal work (the first one seen wins, as in Bitcoin).
/// </summary>
public sealed record BlockIndexRecord(Hash256 Hash, BlockHeader Header, int Height, BigInteger ChainWork, BlockStatus Status, long Sequence);
