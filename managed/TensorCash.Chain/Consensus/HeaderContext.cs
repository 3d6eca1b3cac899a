using TensorCash.Chain.Blocks;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// What header validation needs to know about the chain a header extends: the new block's height, its parent's
/// header, the parent's median-time-past (of the last 11 blocks) and the node's adjusted clock (a parameter, so the
/// rules stay pure).
/// </summary>
public sealed record HeaderContext(int Height, BlockHeader Parent, long ParentMedianTimePast, long AdjustedNow);
