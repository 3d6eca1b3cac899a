using TensorCash.Chain.Consensus;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The architecture audit (docs/protocol/registry.md §5): what one generated token of a proof window costs on a model,
/// in integer "FLOP-equivalents", computed by every node from the descriptor alone, and the difficulty D_m that makes
/// a block cost the same on every model. Integer-only (UInt128 intermediates), so every node gets the same D_m.
/// The weights of the formula are the named constants below, in one place, so calibration
/// (bench/results/registry-fairness.md) changes numbers, not code.
/// </summary>
public static class ModelCost
{
    /// <summary>FLOPs per matrix parameter per token: one multiply and one add.</summary>
    public const ulong MatmulFlopsPerParameter = 2;
    /// <summary>
    /// Attention FLOPs per layer, per query dimension, per attended position: QKᵀ and the weighted sum of V, a multiply
    /// and an add each.
    /// </summary>
    public const ulong AttentionFlopsPerPosition = 4;
    /// <summary>
    /// β: cost units per weight byte streamed from memory per token (β(dtype) = this × bytes per weight). Starts at 1;
    /// calibrated from measured window times.
    /// </summary>
    public const ulong WeightByteCost = 1;
    /// <summary>O_token: fixed per-token work of a proof (sampling, draws, evidence, hashing) in cost units. Calibrated.</summary>
    public const ulong OverheadPerToken = 2_000_000;
    /// <summary>O_vocab: per-token work per vocabulary entry (softmax, top-k, logit statistics) in cost units. Calibrated.</summary>
    public const ulong OverheadPerVocabEntry = 200;
    /// <summary>
    /// Largest D_m: keeps T_base · N / D_m meaningful (a target of at least 1 stays reachable in the encoding) and every
    /// later product of D_m in 64 bits with room to spare.
    /// </summary>
    public const ulong MaxDifficulty = 1UL << 62;

    /// <summary>
    /// cost = matmul + attention + weights + overhead per generated token (registry.md §5), with t̄ = salt + window/2 + 1
    /// the mean attended length of the cheapest window (a one-token prompt). 0 when there is no finite cost: the
    /// descriptor is invalid, the dtype unknown, or the cost does not fit in 64 bits (a registration with cost 0 is
    /// rejected, "bad-reg-audit"). The profile's vocabulary is not compared with the descriptor's here (the
    /// registration rules do that); only its salt length and window size enter the formula.
    /// </summary>
    public static ulong CostUnits(ModelDescriptor descriptor, byte weightDType, ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(profile);
        try
        {
            descriptor.Validate();
        }
        catch (ProofInputException)
        {
            return 0;
        }
        int bytesPer32 = WeightDTypes.BytesPer32Weights(weightDType);
        if (bytesPer32 < 0) return 0;

        UInt128 layers = (uint)descriptor.LayerCount, d = (uint)descriptor.ModelDim, vocab = (uint)descriptor.VocabSize;
        UInt128 q = (UInt128)(uint)descriptor.HeadCount * (uint)descriptor.HeadDim;
        UInt128 kv = (UInt128)(uint)descriptor.KvHeadCount * (uint)descriptor.HeadDim;
        UInt128 ff = (uint)descriptor.FeedForwardDim;
        // Each factor is below 2^22 (limits of ModelDescriptor.Validate), q and kv below 2^32: every product below fits in 2^128.
        UInt128 parameters = layers * (d * q + 2 * d * kv + q * d + 3 * d * ff) + d * vocab;
        UInt128 meanAttended = (uint)profile.SaltTokens + (uint)profile.WindowSize / 2 + 1;

        UInt128 matmul = MatmulFlopsPerParameter * parameters;
        UInt128 attention = AttentionFlopsPerPosition * layers * q * meanAttended;
        UInt128 weights = WeightByteCost * parameters * (uint)bytesPer32 / 32;
        UInt128 overhead = OverheadPerToken + OverheadPerVocabEntry * vocab;
        UInt128 cost = matmul + attention + weights + overhead;
        return cost > ulong.MaxValue ? 0 : (ulong)cost;
    }

    /// <summary>D_m = max(1, min(<see cref="MaxDifficulty"/>, ⌊N · C_ref / cost⌋)) with the network's N and C_ref.</summary>
    public static ulong Difficulty(ulong cost, ChainParams parameters) =>
        Difficulty(cost, parameters.ModelNormaliser, parameters.Registry.ReferenceCost);

    /// <summary>
    /// D_m from its parts (<see cref="ChainParams"/> uses this while it is being built). A model as costly as the
    /// reference gets exactly N; half as costly, 2N. Throws for cost 0 (no finite difficulty).
    /// </summary>
    public static ulong Difficulty(ulong cost, ulong normaliser, ulong referenceCost)
    {
        if (cost == 0) throw new ArgumentOutOfRangeException(nameof(cost), "a cost of 0 has no finite difficulty");
        UInt128 difficulty = (UInt128)normaliser * referenceCost / cost;
        if (difficulty < 1) return 1;
        return difficulty > MaxDifficulty ? MaxDifficulty : (ulong)difficulty;
    }
}
