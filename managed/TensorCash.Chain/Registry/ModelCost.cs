using TensorCash.Chain.Consensus;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The architecture audit (docs/protocol/registry.md §5): what one proof window costs on a model, in integer
/// "FLOP-equivalents", computed by every node from the descriptor alone, and the difficulty D_m that makes a block
/// cost the same on every model. Integer-only (UInt128 intermediates), so every node gets the same D_m. The weights of
/// the formula are the named constants below, in one place, calibrated from measured window times
/// (bench/results/registry-cost.md, bench/results/registry-fairness.md).
/// <para>
/// The shape follows how a window is computed: the prompt, S salt tokens and W window tokens each pass through every
/// matrix and attend to the context (compute: S + W positions; the prefill batches the first S + 1), while the weights
/// are streamed once per decode step and the sampler, draws, evidence and hashing run once per generated token (W
/// steps). Streaming weights that stay in on-chip cache is cheap; beyond <see cref="OnChipWeightBytes"/> every byte
/// comes from DRAM and costs <see cref="OffChipByteCostHalves"/>/2 units: that cliff is what makes a model of 16×
/// builtin:tiny's time have only 7× its parameters on the calibration CPU.
/// </para>
/// </summary>
public static class ModelCost
{
    /// <summary>FLOPs per matrix parameter per position: one multiply and one add.</summary>
    public const ulong MatmulFlopsPerParameter = 2;
    /// <summary>
    /// Attention FLOPs per layer, per query dimension, per attended position: QKᵀ and the weighted sum of V, a multiply
    /// and an add each.
    /// </summary>
    public const ulong AttentionFlopsPerPosition = 4;
    /// <summary>
    /// Weight bytes a decode step streams that the calibration CPU serves from on-chip cache (its shared L3 held models
    /// up to 11 MB at compute speed; from 18 MB on they streamed from DRAM). Calibrated; only toy models sit below it.
    /// </summary>
    public const ulong OnChipWeightBytes = 11_000_000;
    /// <summary>Cost units per 2 weight bytes streamed from on-chip cache per decode step (β_on = 1/2). Calibrated.</summary>
    public const ulong OnChipByteCostHalves = 1;
    /// <summary>Cost units per 2 weight bytes streamed from DRAM per decode step (β_off = 5). Calibrated.</summary>
    public const ulong OffChipByteCostHalves = 10;
    /// <summary>O_token: fixed work per generated token (sampling, draws, evidence, hashing) in cost units. Calibrated.</summary>
    public const ulong OverheadPerToken = 600_000;
    /// <summary>O_vocab: work per generated token per vocabulary entry (softmax, top-k, logit statistics). Calibrated.</summary>
    public const ulong OverheadPerVocabEntry = 100;
    /// <summary>
    /// Largest D_m: keeps T_base · N / D_m meaningful (a target of at least 1 stays reachable in the encoding) and every
    /// later product of D_m in 64 bits with room to spare.
    /// </summary>
    public const ulong MaxDifficulty = 1UL << 62;

    /// <summary>
    /// cost = (S + W)·(2·P + 4·L·q·t̄) + W·(O_token + O_vocab·V + weight streaming) for one window (registry.md §5), with
    /// P the matrix parameters, t̄ = S + W/2 + 1 the mean attended length of the cheapest window (a one-token prompt) and
    /// weight streaming = (min(B, OnChip)·β_on + max(0, B − OnChip)·β_off) for B weight bytes. 0 when there is no
    /// finite cost: the descriptor is invalid, the dtype unknown, or the cost does not fit in 64 bits (a registration
    /// with cost 0 is rejected, "bad-reg-audit"). The profile's vocabulary is not compared with the descriptor's here
    /// (the registration rules do that); only its salt length and window size enter the formula.
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

        UInt128 layers = (uint)descriptor.LayerCount, vocab = (uint)descriptor.VocabSize, q = (uint)descriptor.QueryDim;
        UInt128 salt = (uint)profile.SaltTokens, window = (uint)profile.WindowSize;
        // The descriptor's limits keep P below 2^44 (at most 512 layers of 7 matrices of at most 2^32 weights, plus the
        // LM head), so it is exact in a long and every product below fits in 2^128.
        UInt128 parameters = (ulong)descriptor.MatrixParameterCount;
        UInt128 meanAttended = salt + window / 2 + 1;

        UInt128 perPosition = MatmulFlopsPerParameter * parameters + AttentionFlopsPerPosition * layers * q * meanAttended;
        UInt128 weightBytes = parameters * (uint)bytesPer32 / 32;
        UInt128 onChip = weightBytes < OnChipWeightBytes ? weightBytes : OnChipWeightBytes;
        UInt128 streaming = (onChip * OnChipByteCostHalves + (weightBytes - onChip) * OffChipByteCostHalves) / 2;
        UInt128 perStep = OverheadPerToken + OverheadPerVocabEntry * vocab + streaming;
        UInt128 cost = (salt + window) * perPosition + window * perStep;
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
