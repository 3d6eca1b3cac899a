namespace TensorCash.Engine.Runtime;

/// <summary>One sequence's KV cache on the native backend. CONTRACT (see Transformer).</summary>
public sealed class Sequence : IDisposable
{
    /// <summary>Number of positions already in the cache.</summary>
    public int Length => throw new NotImplementedException("contract stub");
    public int Capacity => throw new NotImplementedException("contract stub");
    /// <summary>Drops positions >= <paramref name="length"/>.</summary>
    public void Truncate(int length) => throw new NotImplementedException("contract stub");
    public void Dispose() { }
}
