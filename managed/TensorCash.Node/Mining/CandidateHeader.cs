using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Node.Mining;

/// <summary>The header a miner starts from: parent, Merkle root, a valid time, nBits from ASERT and nAdjBits for the model.</summary>
public static class CandidateHeader
{
    public const int Version = 1;

    public static BlockCandidate Create(ChainParams parameters, BlockHeader parent, int height, long parentMedianTimePast, long now,
        Hash256 modelId, Hash256 merkleRoot, IReadOnlyList<Chain.Transactions.Transaction> transactions)
    {
        // The time must exceed the parent's MTP and may not fall more than the time-warp bound behind the parent.
        long time = Math.Max(now, Math.Max(parentMedianTimePast + 1, parent.Time - parameters.MaxTimeWarpSeconds));
        var context = new HeaderContext(height, parent, parentMedianTimePast, now);
        uint bits = TargetCalculator.NextBits(context, parameters);
        var model = ModelRegistry.Genesis(parameters).ActiveModel(modelId) // registry: node integration
            ?? throw new InvalidOperationException($"model {Convert.ToHexStringLower(modelId.ToArray())} is not active on {parameters.Network}");
        uint adjBits = TargetCalculator.AdjustedBits(bits, model.Difficulty, parameters);
        var header = new BlockHeader(Version, parent.Hash, merkleRoot, (uint)time, bits, adjBits, modelId, Hash256.Zero, 0);
        // Proof of work is checked against the target nAdjBits decodes to, which can be below T_adj (compact rounds down).
        var target = CompactBits.DecodeTarget(adjBits) ?? throw new InvalidOperationException($"nAdjBits 0x{adjBits:x8} is not a valid target");
        return new BlockCandidate(header, transactions, height, target);
    }
}
