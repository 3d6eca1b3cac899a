using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Proof;

namespace TensorCash.Chain.Registry;

/// <summary>
/// One model in the registry, immutable (a new registry snapshot replaces changed entries). Heights are block heights:
/// <see cref="StatusHeight"/> is the block whose registry first shows <see cref="Status"/> as effective (the block
/// itself for registration and fraud; h+1 for the transitions at the end of a period ending at h).
/// </summary>
/// <param name="Registration">The registration payload; null for a genesis model.</param>
/// <param name="Cost">The architecture audit's cost units per proof window (<see cref="ModelCost"/>).</param>
/// <param name="Difficulty">D_m = max(1, ⌊N · C_ref / Cost⌋).</param>
/// <param name="SignalSlot">The nVersion bit miners set to support it, while Pending or LockedIn.</param>
/// <param name="SignalCount">Signalling blocks in the current period while Pending (kept at lock-in as a record).</param>
/// <param name="LastBlockHeight">Height of the last block that ran the model (0 before any): dormancy counts from it or from activation.</param>
/// <param name="DepositReleaseHeight">First height at which the deposit may be spent; null while it has no end yet (Pending, LockedIn).</param>
public sealed record RegistryEntry(
    Hash256 ModelId,
    string Name,
    ModelRegistration? Registration,
    ProofProfile Profile,
    ulong Cost,
    ulong Difficulty,
    ModelStatus Status,
    string StatusReason,
    int RegisteredHeight,
    int StatusHeight,
    int? ActivationHeight,
    int? SignalSlot,
    int SignalCount,
    int LastBlockHeight,
    OutPoint? DepositOutPoint,
    long DepositValue,
    bool DepositForfeited,
    int? DepositReleaseHeight)
{
    public bool IsGenesis => Registration is null;

    /// <summary>
    /// Whether a transaction in a block at <paramref name="spendHeight"/> may not spend the deposit: forfeited (forever),
    /// or not yet released (Pending, LockedIn, or Active within the challenge period). Genesis models have no deposit.
    /// </summary>
    public bool IsDepositLocked(int spendHeight) =>
        DepositOutPoint is not null && (DepositForfeited || DepositReleaseHeight is not { } release || spendHeight < release);

    /// <summary>What header and proof checks need: name, pinned profile, D_m (and the cost it came from).</summary>
    public RegisteredModel ToRegisteredModel() => new(Name, Profile, Difficulty, Cost);
}
