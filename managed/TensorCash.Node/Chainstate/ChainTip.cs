using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Chainstate;

/// <summary>The last block of the active chain and the total work of the chain it ends.</summary>
public sealed record ChainTip(Hash256 Hash, int Height, BlockHeader Header, BigInteger ChainWork);
