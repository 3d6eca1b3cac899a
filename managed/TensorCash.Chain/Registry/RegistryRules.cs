using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The registry's state transition for one block (docs/protocol/registry.md §3), a pure function of the snapshot after
/// the parent, the block's header and height, and its actions (<see cref="RegistryActions.Extract"/>), in this order:
/// <list type="number">
/// <item>the model the block ran records the height (<see cref="RegistryEntry.LastBlockHeight"/>, for dormancy);</item>
/// <item>a signalling nVersion (top bits 001) adds one to the count of each Pending model whose slot bit is set;</item>
/// <item>the actions, in block order: registrations ("bad-reg-duplicate", "bad-reg-banned", "bad-reg-no-slot") and
/// challenges ("bad-challenge-model", "bad-challenge-status", "bad-challenge-proof");</item>
/// <item>at the last block of a period ((height + 1) % P == 0): activation, lock-in, expiry, dormancy, count reset.</item>
/// </list>
/// Cost: O(actions) plus, once per period, one pass over the entries.
/// </summary>
public static class RegistryRules
{
    /// <summary>
    /// The snapshot after the block at <paramref name="height"/> (= <paramref name="parent"/>.Height + 1), or the first
    /// violation with <paramref name="parent"/> unchanged. The header must already have passed
    /// <see cref="HeaderRules"/> against <paramref name="parent"/> (its model is Active); if not, this reports it again.
    /// </summary>
    public static (ModelRegistry Next, RuleViolation? Violation) Apply(ModelRegistry parent, BlockHeader header, int height,
        IReadOnlyList<RegistryAction> actions, ChainParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(actions);
        if (height != parent.Height + 1)
            throw new ArgumentException($"the block at height {height} does not follow a registry at height {parent.Height}", nameof(height));
        if (parent.CheckModel(header.ModelId) is { } badModel) return (parent, badModel);
        var p = parameters.Registry;
        var draft = parent.Edit();

        var used = draft.Get(header.ModelId)!;
        draft.Set(used with { LastBlockHeight = height });

        foreach (int slot in SignalBits.Slots(header.Version))
            if (slot < p.MaxPendingModels && draft.SlotHolder(slot) is { Status: ModelStatus.Pending } supported)
                draft.Set(supported with { SignalCount = supported.SignalCount + 1 });

        foreach (var action in actions)
        {
            var violation = action switch
            {
                RegistrationAction registration => Register(draft, registration, height, parameters),
                ChallengeAction challenge => Challenge(draft, challenge, height),
                _ => throw new ArgumentException($"unknown registry action {action.GetType().Name}", nameof(actions)),
            };
            if (violation is not null) return (parent, violation);
        }

        if ((height + 1) % p.SignalPeriod == 0) EndPeriod(draft, height, p);
        return (draft.Build(height), null);
    }

    /// <summary>
    /// A fresh Pending entry on the lowest free slot, count 0. Allowed for a new model, or one that Expired or went
    /// dormant (the old entry, whose deposit is already released, is replaced); never for a genesis, pending, locked-in
    /// or active model, nor one deactivated for fraud.
    /// </summary>
    private static RuleViolation? Register(ModelRegistry.Draft draft, RegistrationAction action, int height, ChainParams parameters)
    {
        var registration = action.Registration;
        var id = registration.ModelId;
        string what = $"registration {action.Txid} of model {ModelRegistry.Hex(id)} ({registration.Name})";
        if (draft.Get(id) is { } existing)
        {
            if (existing.IsGenesis)
                return new(RegistryReasons.RegDuplicate, $"{what}: it is a genesis model");
            if (existing.Status is ModelStatus.Pending or ModelStatus.LockedIn or ModelStatus.Active)
                return new(RegistryReasons.RegDuplicate, $"{what}: it is already {existing.Status} (registered at height {existing.RegisteredHeight})");
            if (existing.StatusReason == StatusReasons.DeactivatedFraud)
                return new(RegistryReasons.RegBanned, $"{what}: it was deactivated for fraud at height {existing.StatusHeight}");
        }
        if (draft.LowestFreeSlot(parameters.Registry.MaxPendingModels) is not { } slot)
            return new(RegistryReasons.RegNoSlot, $"{what}: all {parameters.Registry.MaxPendingModels} signal slots are taken");
        ulong cost = ModelCost.CostUnits(registration.Descriptor, registration.WeightDType, registration.Profile);
        if (cost == 0) // RegistrationRules rejects this already; kept so the transition is total on any input
            return new(RegistryReasons.RegAudit, $"{what}: the architecture audit gives no finite cost");

        draft.Set(new RegistryEntry(id, registration.Name, registration, registration.Profile, cost, ModelCost.Difficulty(cost, parameters),
            ModelStatus.Pending, StatusReasons.Registered, RegisteredHeight: height, StatusHeight: height, ActivationHeight: null,
            SignalSlot: slot, SignalCount: 0, LastBlockHeight: 0, DepositOutPoint: action.Deposit, DepositValue: action.DepositValue,
            DepositForfeited: false, DepositReleaseHeight: null));
        return null;
    }

    /// <summary>
    /// A valid fraud proof against a registered model that is Pending, LockedIn or Active deactivates it
    /// ("deactivated-fraud") in this block, frees its slot and forfeits its deposit if a spend at this height would
    /// still be locked.
    /// </summary>
    private static RuleViolation? Challenge(ModelRegistry.Draft draft, ChallengeAction action, int height)
    {
        var proof = action.Proof;
        string what = $"challenge {action.Txid} of model {ModelRegistry.Hex(proof.ModelId)}";
        if (draft.Get(proof.ModelId) is not { } entry)
            return new(RegistryReasons.ChallengeModel, $"{what}: no such registered model");
        if (entry.IsGenesis)
            return new(RegistryReasons.ChallengeModel, $"{what}: {entry.Name} is a genesis model, which cannot be challenged");
        if (entry.Status is ModelStatus.Expired or ModelStatus.Deactivated)
            return new(RegistryReasons.ChallengeStatus, $"{what}: {entry.Name} is already {entry.Status} ({entry.StatusReason})");
        if (FraudProofVerifier.Verify(proof, entry) is { } invalid)
            return invalid with { Message = $"{what}: {invalid.Message}" };

        draft.Set(entry with
        {
            Status = ModelStatus.Deactivated, StatusReason = StatusReasons.DeactivatedFraud, StatusHeight = height,
            SignalSlot = null, DepositForfeited = entry.IsDepositLocked(height),
        });
        return null;
    }

    /// <summary>
    /// The transitions after the last block <paramref name="height"/> of a period, effective from height + 1. Per entry,
    /// in the spec's order: LockedIn (at an earlier boundary) becomes Active; Pending registered before the period began
    /// with at least the threshold locks in; other Pending past the window expires; Active registered models idle for
    /// the dormancy period are deactivated; Pending counts reset (a LockedIn model keeps the count that locked it in).
    /// Each entry's transition depends only on that entry, so the order of entries does not matter.
    /// </summary>
    private static void EndPeriod(ModelRegistry.Draft draft, int height, RegistryParams p)
    {
        int next = height + 1;
        int periodStart = next - p.SignalPeriod;
        foreach (var entry in draft.Snapshot())
        {
            switch (entry.Status)
            {
                case ModelStatus.LockedIn:
                    draft.Set(entry with
                    {
                        Status = ModelStatus.Active, StatusReason = StatusReasons.Activated, StatusHeight = next, ActivationHeight = next,
                        SignalSlot = null, DepositReleaseHeight = next + p.ChallengeBlocks,
                    });
                    break;
                case ModelStatus.Pending when entry.RegisteredHeight < periodStart && entry.SignalCount >= p.Threshold:
                    draft.Set(entry with { Status = ModelStatus.LockedIn, StatusReason = StatusReasons.LockedIn, StatusHeight = next });
                    break;
                case ModelStatus.Pending when next - entry.RegisteredHeight >= p.WindowBlocks:
                    draft.Set(entry with
                    {
                        Status = ModelStatus.Expired, StatusReason = StatusReasons.ExpiredNoSupport, StatusHeight = next,
                        SignalSlot = null, SignalCount = 0, DepositReleaseHeight = next,
                    });
                    break;
                case ModelStatus.Pending:
                    if (entry.SignalCount != 0) draft.Set(entry with { SignalCount = 0 });
                    break;
                case ModelStatus.Active when !entry.IsGenesis && next - Math.Max(entry.LastBlockHeight, entry.ActivationHeight ?? 0) >= p.DormancyBlocks:
                    // Dormancy >= ChallengeBlocks (RegistryParams.Validated), so the deposit's release height has passed.
                    draft.Set(entry with { Status = ModelStatus.Deactivated, StatusReason = StatusReasons.DeactivatedDormant, StatusHeight = next });
                    break;
            }
        }
    }
}
