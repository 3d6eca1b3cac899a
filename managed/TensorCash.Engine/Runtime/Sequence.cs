using TensorCash.Interop;

namespace TensorCash.Engine.Runtime;

/// <summary>One sequence's KV cache on the native backend, created by <see cref="Transformer.NewSequence"/>.</summary>
public sealed class Sequence : IDisposable
{
    internal Transformer Owner { get; }
    internal NativeKvCache Cache { get; }

    internal Sequence(Transformer owner, NativeKvCache cache, int capacity)
    {
        Owner = owner;
        Cache = cache;
        Capacity = capacity;
    }

    /// <summary>Number of positions already in the cache.</summary>
    public int Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(Cache.IsClosed, this);
            return Cache.Length;
        }
    }

    public int Capacity { get; }

    internal bool IsDisposed => Cache.IsClosed;

    /// <summary>Drops positions >= <paramref name="length"/>.</summary>
    public void Truncate(int length)
    {
        ObjectDisposedException.ThrowIf(Cache.IsClosed, this);
        int current = Cache.Length;
        if (length < 0 || length > current)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"must be in 0..{current} (the sequence's current length)");
        Cache.Truncate(length);
    }

    public void Dispose() => Cache.Dispose();
}
