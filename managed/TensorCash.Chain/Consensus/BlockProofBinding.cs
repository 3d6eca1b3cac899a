using TensorCash.Chain.Blocks;
using TensorCash.Proof;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// The chain state a block's proof is bound to: B = the header's <see cref="BlockHeader.ProofBinding"/> (SHA-256d of the
/// 148-byte prefix: parent, Merkle root, time, nBits, nAdjBits, model id, v, T), v = the header's VDF output
/// SHA-256(enc(y)) and T = its VDF tick count (docs/protocol/vdf.md). v is seeded by the parent's hash, so it differs
/// between blocks and between heights even though T is a per-network constant; the header rules check it before the
/// proof is looked at.
/// </summary>
public static class BlockProofBinding
{
    public static ChainBinding For(BlockHeader header) =>
        new(header.ProofBinding.ToArray(), header.VdfOutput.ToArray(), header.VdfTicks);
}
