using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Node.Mining;

/// <summary>
/// Which pending models this node's blocks signal support for (docs/protocol/registry.md §3): the nVersion bits of the
/// slots of the Pending models it supports in the registry after the tip. By default a miner signals for the pending
/// models it holds ("a miner signals for what it can run": it has loaded them, so it can mine and replay them once
/// they are active); a node may name the models instead (ids or names), or signal for none.
/// </summary>
public sealed class ModelSupport
{
    private readonly IReadOnlyList<string>? _named;
    private readonly Func<Hash256, bool> _held;
    private readonly bool _none;

    private ModelSupport(IReadOnlyList<string>? named, Func<Hash256, bool> held, bool none)
    {
        _named = named;
        _held = held;
        _none = none;
    }

    /// <summary>Signals for no model (tests, or a miner that takes no part in admission).</summary>
    public static ModelSupport None { get; } = new(null, _ => false, none: true);

    /// <summary>Signals for every pending model whose id <paramref name="held"/> accepts (the models the node holds).</summary>
    public static ModelSupport Held(Func<Hash256, bool> held) => new(null, held, none: false);

    /// <summary>
    /// Signals for the pending models named: each a model id (64 hex digits, byte order as `tensorcash model` prints it)
    /// or a registered name (exact match; every pending model of that name).
    /// </summary>
    public static ModelSupport Named(IReadOnlyList<string> models) => new(models.ToArray(), _ => false, none: false);

    /// <summary>The policy <see cref="Hosting.NodeOptions"/> describe: none, the named models, or the held ones.</summary>
    public static ModelSupport From(bool signalNone, IReadOnlyList<string>? named, Func<Hash256, bool> held) =>
        signalNone ? None : named is not null ? Named(named) : Held(held);

    /// <summary>Whether this policy supports the pending model <paramref name="entry"/>.</summary>
    public bool Supports(RegistryEntry entry)
    {
        if (_none) return false;
        if (_named is null) return _held(entry.ModelId);
        string hex = Convert.ToHexStringLower(entry.ModelId.ToArray());
        return _named.Any(n => string.Equals(n, hex, StringComparison.OrdinalIgnoreCase) || string.Equals(n, entry.Name, StringComparison.Ordinal));
    }

    /// <summary>The signal slots a block on top of <paramref name="registry"/> sets: those of the supported Pending models, ascending.</summary>
    public IReadOnlyList<int> SlotsFor(ModelRegistry registry) =>
        registry.Pending.Where(e => e.Status == ModelStatus.Pending && e.SignalSlot is not null && Supports(e))
            .Select(e => e.SignalSlot!.Value).Order().ToList();
}
