namespace TensorCash.Chain.Consensus;

/// <summary>A thread-safe map that forgets its oldest entry beyond a fixed count: memoization of pure rules.</summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _entries = new();
    private readonly Queue<TKey> _order = new();
    private readonly Lock _lock = new();

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock) return _entries.TryGetValue(key, out value!);
    }

    public void Add(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (!_entries.TryAdd(key, value)) return;
            _order.Enqueue(key);
            while (_entries.Count > capacity) _entries.Remove(_order.Dequeue());
        }
    }
}
