using TensorCash.Chain.Blocks;
using TensorCash.Proof;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// The chain state a block's proof is bound to: B = the header's <see cref="BlockHeader.ProofBinding"/> (SHA-256d of the
/// 112-byte prefix: parent, Merkle root, time, nBits, nAdjBits, model id), v = 32 zero bytes and T = the block height.
/// v and T stand in for the VDF output and tick until the VDF lands; T = height already makes every draw differ
/// between heights even for equal prefixes.
/// </summary>
public static class BlockProofBinding
{
    public static ChainBinding For(BlockHeader header, int height) =>
        new(header.ProofBinding.ToArray(), new byte[ChainBinding.VdfOutputBytes], (ulong)height);
}
