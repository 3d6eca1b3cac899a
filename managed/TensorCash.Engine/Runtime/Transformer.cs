using TensorCash.Engine.Model;

namespace TensorCash.Engine.Runtime;

/// <summary>
/// A model instantiated on the native CPU backend, with its thread pool. Thread-safety: one
/// <see cref="Forward"/> call at a time per instance (callers batch instead of calling concurrently).
/// CONTRACT (implemented by the native branch; signatures are fixed so other code can build on them).
/// </summary>
public sealed class Transformer : IDisposable
{
    /// <summary>Creates the native model over <paramref name="weights"/> (not copied; they must outlive this).</summary>
    public static Transformer Create(ModelWeights weights, int threads) => throw new NotImplementedException("contract stub");

    public ModelConfig Config => throw new NotImplementedException("contract stub");
    public int Threads => throw new NotImplementedException("contract stub");

    /// <summary>A new empty sequence (KV cache) with room for <paramref name="capacityTokens"/> tokens (0 = model max).</summary>
    public Sequence NewSequence(int capacityTokens = 0) => throw new NotImplementedException("contract stub");

    /// <summary>
    /// One batched forward pass: each request appends its tokens to its sequence and receives logits
    /// (and optionally the final normed hidden state) per its mode. Each request's outputs are bitwise
    /// identical to running it alone, token by token, at any thread count.
    /// </summary>
    public void Forward(ReadOnlySpan<ForwardRequest> requests) => throw new NotImplementedException("contract stub");

    public void Dispose() { }
}
