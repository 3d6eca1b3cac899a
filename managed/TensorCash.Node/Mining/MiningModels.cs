using TensorCash.Chain.Registry;

namespace TensorCash.Node.Mining;

/// <summary>
/// The models a node mines on, in turn: each block goes to the next of them that is Active in the registry after the
/// tip (round-robin), so a node holding two active models mines them side by side, and a held model that is pending,
/// locked in or not registered yet is skipped until it activates. Thread-safe (the background miner and
/// generatetoaddress share one rotation).
/// </summary>
public sealed class MiningModels
{
    private readonly Lock _lock = new();
    private int _next;

    public MiningModels(IReadOnlyList<InferenceModel> models)
    {
        if (models.Count == 0) throw new ArgumentException("a miner needs at least one model", nameof(models));
        Models = models;
    }

    /// <summary>Every model this node may mine on, in rotation order.</summary>
    public IReadOnlyList<InferenceModel> Models { get; }

    /// <summary>The model the next block on top of <paramref name="registry"/> is mined on, and the rotation moves past it.</summary>
    /// <exception cref="InvalidOperationException">None of <see cref="Models"/> is Active in <paramref name="registry"/>.</exception>
    public InferenceModel Next(ModelRegistry registry)
    {
        lock (_lock)
        {
            int index = Find(registry) ?? throw NoneActive(registry);
            _next = (index + 1) % Models.Count;
            return Models[index];
        }
    }

    /// <summary>The model <see cref="Next"/> would give now (without moving the rotation), or null when none is Active.</summary>
    public InferenceModel? Peek(ModelRegistry registry)
    {
        lock (_lock) return Find(registry) is { } index ? Models[index] : null;
    }

    private int? Find(ModelRegistry registry)
    {
        for (int i = 0; i < Models.Count; i++)
        {
            int index = (_next + i) % Models.Count;
            if (registry.ActiveModel(Models[index].Id) is not null) return index;
        }
        return null;
    }

    private InvalidOperationException NoneActive(ModelRegistry registry)
    {
        var states = Models.Select(m => registry.Find(m.Id) is { } entry
            ? $"{entry.Name} {m.Identity.Hex} is {entry.Status} ({entry.StatusReason})"
            : $"{m.Spec} {m.Identity.Hex} is not registered");
        return new InvalidOperationException(
            $"none of the models this node mines on is active after height {registry.Height}: {string.Join("; ", states)}");
    }
}
