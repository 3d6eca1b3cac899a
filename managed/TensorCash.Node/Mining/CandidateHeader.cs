using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Node.Mining;

/// <summary>
/// The header a miner starts from: parent, Merkle root, a valid time, nBits from ASERT, nAdjBits from the model's D_m
/// in the registry after the parent, nVersion carrying the miner's support signals, and the VDF tick on the parent
/// (<see cref="BlockVdf.Evaluate"/>: T squarings, memoized per parent, so every candidate on one tip after the first
/// costs nothing; docs/protocol/vdf.md, "Overlap with inference").
/// </summary>
public static class CandidateHeader
{
    /// <summary>
    /// nVersion of a block that supports the pending models holding <paramref name="signalSlots"/>: always the BIP9
    /// form 0x20000000 | bits, also with no bit set (as Bitcoin Core's ComputeBlockVersion), so every block this node
    /// mines is a versionbits block and a model's signal count is exactly the blocks that set its bit.
    /// </summary>
    public static int Version(IEnumerable<int> signalSlots) => ModelRegistry.SignalVersion(signalSlots);

    /// <summary>
    /// The candidate on <paramref name="parent"/> at <paramref name="height"/> running <paramref name="modelId"/>, which
    /// must be Active in <paramref name="registry"/> (the registry after the parent), signalling for
    /// <paramref name="signalSlots"/> (none when null).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is unknown or not Active in <paramref name="registry"/>.</exception>
    public static BlockCandidate Create(ChainParams parameters, ModelRegistry registry, BlockHeader parent, int height, long parentMedianTimePast,
        long now, Hash256 modelId, Hash256 merkleRoot, IReadOnlyList<Chain.Transactions.Transaction> transactions, IEnumerable<int>? signalSlots = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.CheckModel(modelId) is { } inactive)
            throw new InvalidOperationException($"cannot mine the block at height {height} on it: {inactive.Message}");
        var model = registry.ActiveModel(modelId)!;
        // The time must exceed the parent's MTP and may not fall more than the time-warp bound behind the parent.
        long time = Math.Max(now, Math.Max(parentMedianTimePast + 1, parent.Time - parameters.MaxTimeWarpSeconds));
        var context = new HeaderContext(height, parent, parentMedianTimePast, now);
        uint bits = TargetCalculator.NextBits(context, parameters);
        uint adjBits = TargetCalculator.AdjustedBits(bits, model.Difficulty, parameters);
        var tick = BlockVdf.Evaluate(parent.Hash, parameters);
        var header = new BlockHeader(Version(signalSlots ?? []), parent.Hash, merkleRoot, (uint)time, bits, adjBits, modelId, tick.Output, tick.Ticks,
            Hash256.Zero, 0);
        // Proof of work is checked against the target nAdjBits decodes to, which can be below T_adj (compact rounds down).
        var target = CompactBits.DecodeTarget(adjBits) ?? throw new InvalidOperationException($"nAdjBits 0x{adjBits:x8} is not a valid target");
        return new BlockCandidate(header, tick.Evidence, transactions, height, target);
    }
}
