using System.Collections.Immutable;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The model registry after one block: every model ever registered or in the genesis table, with its status, signal
/// slot and deposit (docs/protocol/registry.md §3). Immutable; <see cref="RegistryRules.Apply"/> derives the next
/// snapshot from this one sharing every unchanged entry (System.Collections.Immutable), so a node keeps one per block
/// cheaply. A block at height h is checked against the snapshot after h − 1: which models it may run, their D_m and
/// profile. Enumeration order never matters to consensus: every rule is per entry, and slots are taken lowest first.
/// </summary>
public sealed partial class ModelRegistry
{
    private readonly ImmutableDictionary<Hash256, RegistryEntry> _entries;
    /// <summary>Deposit outpoint to model, for every entry that has a deposit (whether or not it is still locked).</summary>
    private readonly ImmutableDictionary<OutPoint, Hash256> _deposits;
    /// <summary>Slot s to the Pending or LockedIn model holding it; <see cref="RegistryParams.MaxSignalBits"/> long.</summary>
    private readonly ImmutableArray<Hash256?> _slots;

    private ModelRegistry(int height, ImmutableDictionary<Hash256, RegistryEntry> entries, ImmutableDictionary<OutPoint, Hash256> deposits,
        ImmutableArray<Hash256?> slots)
    {
        Height = height;
        _entries = entries;
        _deposits = deposits;
        _slots = slots;
    }

    /// <summary>Height of the block this snapshot follows (the genesis snapshot: 0).</summary>
    public int Height { get; }

    /// <summary>The snapshot after the genesis block: the genesis model table, every model Active ("genesis").</summary>
    public static ModelRegistry Genesis(ChainParams parameters)
    {
        var entries = ImmutableDictionary.CreateBuilder<Hash256, RegistryEntry>();
        foreach (var (id, model) in parameters.Models)
            entries[id] = new RegistryEntry(id, model.Name, null, model.Profile, model.Cost, model.Difficulty, ModelStatus.Active, StatusReasons.Genesis,
                RegisteredHeight: 0, StatusHeight: 0, ActivationHeight: 0, SignalSlot: null, SignalCount: 0, LastBlockHeight: 0,
                DepositOutPoint: null, DepositValue: 0, DepositForfeited: false, DepositReleaseHeight: null);
        return new ModelRegistry(0, entries.ToImmutable(), ImmutableDictionary<OutPoint, Hash256>.Empty,
            ImmutableArray.Create(new Hash256?[RegistryParams.MaxSignalBits]));
    }

    public RegistryEntry? Find(Hash256 modelId) => _entries.GetValueOrDefault(modelId);

    /// <summary>Every entry, by registration height then model id (a stable order for RPC and tests).</summary>
    public IReadOnlyList<RegistryEntry> Entries =>
        _entries.Values.OrderBy(e => e.RegisteredHeight).ThenBy(e => e.ModelId.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The Pending models, by slot: what a miner may signal for.</summary>
    public IReadOnlyList<RegistryEntry> Pending =>
        _slots.Where(id => id is not null).Select(id => _entries[id!.Value]).Where(e => e.Status == ModelStatus.Pending).ToList();

    /// <summary>The Pending or LockedIn model holding <paramref name="slot"/>, if any.</summary>
    public RegistryEntry? SlotHolder(int slot) =>
        slot >= 0 && slot < _slots.Length && _slots[slot] is { } id ? _entries[id] : null;

    /// <summary>What a block at <see cref="Height"/> + 1 needs to run <paramref name="modelId"/>; null unless it is Active.</summary>
    public RegisteredModel? ActiveModel(Hash256 modelId) =>
        Find(modelId) is { Status: ModelStatus.Active } entry ? entry.ToRegisteredModel() : null;

    /// <summary>"bad-model" (unknown id) or "bad-model-inactive" (known, not Active); null when the next block may run it.</summary>
    public RuleViolation? CheckModel(Hash256 modelId)
    {
        if (Find(modelId) is not { } entry)
            return new(RegistryReasons.Model, $"model {Hex(modelId)} is neither in the genesis table nor registered");
        if (entry.Status != ModelStatus.Active)
            return new(RegistryReasons.ModelInactive, $"model {Hex(modelId)} ({entry.Name}) is {entry.Status} ({entry.StatusReason}) since height {entry.StatusHeight}");
        return null;
    }

    /// <summary>
    /// "bad-txns-deposit-locked" when <paramref name="outPoint"/> is a registration deposit that a block at
    /// <paramref name="spendHeight"/> may not spend (<see cref="RegistryEntry.IsDepositLocked"/>); null otherwise.
    /// </summary>
    public RuleViolation? CheckDepositSpend(OutPoint outPoint, int spendHeight)
    {
        if (!_deposits.TryGetValue(outPoint, out var modelId)) return null;
        var entry = _entries[modelId];
        if (!entry.IsDepositLocked(spendHeight)) return null;
        string until = entry.DepositForfeited ? "forfeited for fraud (locked forever)"
            : entry.DepositReleaseHeight is { } release ? $"locked until height {release}" : $"locked while the model is {entry.Status}";
        return new(RegistryReasons.DepositLocked, $"{outPoint} is the deposit of model {Hex(modelId)} ({entry.Name}), {until}; spent at height {spendHeight}");
    }

    /// <summary>0x20000000 with the bits of <paramref name="slots"/>: the nVersion of a block supporting those pending models.</summary>
    public static int SignalVersion(IEnumerable<int> slots) => SignalBits.Version(slots);

    /// <summary>The slots <paramref name="version"/> signals for (none unless its top bits are 001).</summary>
    public static IReadOnlyList<int> SignalledSlots(int version) => SignalBits.Slots(version);

    internal Draft Edit() => new(this);

    internal static string Hex(Hash256 id) => Convert.ToHexStringLower(id.ToArray());
}
