using System.Collections.Immutable;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Registry;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// The mutable working copy <see cref="RegistryRules.Apply"/> edits while applying one block. <see cref="Set"/> is
    /// the one way to change an entry, and keeps the slot and deposit indices in step with the entries' own
    /// <see cref="RegistryEntry.SignalSlot"/> and <see cref="RegistryEntry.DepositOutPoint"/>.
    /// </summary>
    internal sealed class Draft
    {
        private readonly ImmutableDictionary<Hash256, RegistryEntry>.Builder _entries;
        private readonly ImmutableDictionary<OutPoint, Hash256>.Builder _deposits;
        private readonly Hash256?[] _slots;

        public Draft(ModelRegistry from)
        {
            _entries = from._entries.ToBuilder();
            _deposits = from._deposits.ToBuilder();
            _slots = from._slots.ToArray();
        }

        public RegistryEntry? Get(Hash256 modelId) => _entries.GetValueOrDefault(modelId);

        /// <summary>A copy of the current entries, safe to enumerate while calling <see cref="Set"/>.</summary>
        public IReadOnlyList<RegistryEntry> Snapshot() => _entries.Values.ToList();

        public RegistryEntry? SlotHolder(int slot) => slot >= 0 && slot < _slots.Length && _slots[slot] is { } id ? _entries[id] : null;

        /// <summary>The lowest slot below <paramref name="slotCount"/> that no model holds.</summary>
        public int? LowestFreeSlot(int slotCount)
        {
            for (int s = 0; s < slotCount && s < _slots.Length; s++)
                if (_slots[s] is null) return s;
            return null;
        }

        public void Set(RegistryEntry entry)
        {
            var id = entry.ModelId;
            if (Get(id) is { } old)
            {
                if (old.SignalSlot is { } oldSlot && _slots[oldSlot] == id) _slots[oldSlot] = null;
                if (old.DepositOutPoint is { } oldDeposit) _deposits.Remove(oldDeposit);
            }
            if (entry.SignalSlot is { } slot)
            {
                if (_slots[slot] is { } holder && holder != id)
                    throw new InvalidOperationException($"slot {slot} is held by {Hex(holder)}; it cannot also go to {Hex(id)}");
                _slots[slot] = id;
            }
            if (entry.DepositOutPoint is { } deposit) _deposits[deposit] = id;
            _entries[id] = entry;
        }

        public ModelRegistry Build(int height) => new(height, _entries.ToImmutable(), _deposits.ToImmutable(), ImmutableArray.Create(_slots));
    }
}
