using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Chainstate;

/// <summary>The last block of the active chain and the total work of the chain it ends.</summary>
public sealed record ChainTip(Hash256 Hash, int Height, BlockHeader Header, BigInteger ChainWork);

/// <summary>A stored block's header and what checking a child header needs (ChainState.GetStoredHeader).</summary>
public sealed record StoredHeader(Hash256 Hash, BlockHeader Header, int Height, BigInteger ChainWork, long[] RecentTimes, bool Failed, bool Active);
