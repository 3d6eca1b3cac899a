using System.Buffers;
using TensorCash.Engine.Model;
using TensorCash.Interop;

namespace TensorCash.Engine.Runtime;

/// <summary>
/// A model instantiated on the native CPU backend, with its thread pool. Thread-safety: one
/// <see cref="Forward"/> call at a time per instance (callers batch instead of calling concurrently).
/// </summary>
public sealed class Transformer : IDisposable
{
    private readonly NativeModel _model;
    private readonly NativeThreadPool _pool;
    private readonly Lock _forwardLock = new();

    private Transformer(ModelConfig config, NativeModel model, NativeThreadPool pool)
    {
        Config = config;
        _model = model;
        _pool = pool;
    }

    /// <summary>Creates the native model over <paramref name="weights"/> (not copied; they must outlive this).</summary>
    public static Transformer Create(ModelWeights weights, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "need at least one thread");
        ModelConfig c = weights.Config;
        if (weights.Layers.Count != c.LayerCount)
            throw new ArgumentException($"{weights.Source}: config has {c.LayerCount} layers but {weights.Layers.Count} layer weight sets were given", nameof(weights));
        if (!ModelConfig.ValidSlidingWindow(c.SlidingWindow))
            throw new ArgumentException($"{weights.Source}: sliding window {c.SlidingWindow} must be at least 1 position (or none)", nameof(weights));

        NativeModel model = CreateNativeModel(weights);
        try
        {
            return new Transformer(c, model, NativeThreadPool.Create(threads));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static unsafe NativeModel CreateNativeModel(ModelWeights weights)
    {
        ModelConfig c = weights.Config;
        double[] invFreq = RopeFrequencies.Compute(c);
        var layers = new TcLayerWeights[c.LayerCount];
        for (int i = 0; i < layers.Length; i++)
        {
            LayerWeights l = weights.Layers[i];
            layers[i] = new TcLayerWeights
            {
                AttnNorm = ToNative(l.AttnNorm), Wq = ToNative(l.Wq), Wk = ToNative(l.Wk), Wv = ToNative(l.Wv), Wo = ToNative(l.Wo),
                Bq = ToNative(l.Bq), Bk = ToNative(l.Bk), Bv = ToNative(l.Bv),
                FfnNorm = ToNative(l.FfnNorm), WGate = ToNative(l.WGate), WUp = ToNative(l.WUp), WDown = ToNative(l.WDown),
            };
        }
        fixed (double* freq = invFreq)
        fixed (TcLayerWeights* pl = layers)
        {
            var config = new TcModelConfig
            {
                LayerCount = c.LayerCount, ModelDim = c.ModelDim, HeadCount = c.HeadCount, KvHeadCount = c.KvHeadCount,
                HeadDim = c.HeadDim, FeedForwardDim = c.FeedForwardDim, VocabSize = c.VocabSize,
                MaxSequenceLength = c.MaxSequenceLength, RmsNormEps = c.RmsNormEps, RopeInvFreq = freq,
                SlidingWindow = c.SlidingWindow ?? 0,
            };
            var native = new TcModelWeights
            {
                TokenEmbedding = ToNative(weights.TokenEmbedding), OutputNorm = ToNative(weights.OutputNorm),
                Output = ToNative(weights.Output), Layers = pl,
            };
            try
            {
                return NativeModel.Create(config, native);
            }
            catch (NativeException e)
            {
                throw new ArgumentException($"{weights.Source}: {e.Message}", nameof(weights), e);
            }
        }
    }

    /// <summary>A view as the native side sees it, after checking that the bytes the shape implies are really there.</summary>
    private static TcTensor ToNative(TensorView? view)
    {
        if (view is not { } v) return default;
        if (v.Shape.Length is < 1 or > 2)
            throw new ArgumentException($"tensor '{v.Name}': expected 1 or 2 dimensions, got {v.Shape.Length}");
        long elements = v.ElementCount;
        long needed = v.DType switch
        {
            TensorDType.F32 => elements * 4,
            TensorDType.F16 or TensorDType.BF16 => elements * 2,
            TensorDType.Q8_0 => elements / 32 * 34,
            _ => throw new ArgumentException($"tensor '{v.Name}': unsupported dtype {v.DType}"),
        };
        if (v.Data == 0) throw new ArgumentException($"tensor '{v.Name}': data pointer is null");
        if (v.ByteLength < needed)
            throw new ArgumentException($"tensor '{v.Name}': shape [{string.Join(", ", v.Shape)}] {v.DType} needs {needed} bytes, view has {v.ByteLength}");
        return new TcTensor { Data = v.Data, DType = (int)v.DType, Rows = v.Rows, Cols = v.Cols };
    }

    public ModelConfig Config { get; }

    public int Threads => _pool.Size;

    /// <summary>A new empty sequence (KV cache) with room for <paramref name="capacityTokens"/> tokens (0 = model max).</summary>
    public Sequence NewSequence(int capacityTokens = 0)
    {
        ObjectDisposedException.ThrowIf(_model.IsClosed, this);
        int max = Config.MaxSequenceLength;
        if (capacityTokens < 0 || capacityTokens > max)
            throw new ArgumentOutOfRangeException(nameof(capacityTokens), capacityTokens, $"must be in 0..{max} (0 means the model maximum)");
        int capacity = capacityTokens == 0 ? max : capacityTokens;
        return new Sequence(this, NativeKvCache.Create(_model, capacity), capacity);
    }

    /// <summary>
    /// One batched forward pass: each request appends its tokens to its sequence and receives logits
    /// (and optionally the final normed hidden state) per its mode. Each request's outputs are bitwise
    /// identical to running it alone, token by token, at any thread count.
    /// </summary>
    public unsafe void Forward(ReadOnlySpan<ForwardRequest> requests)
    {
        ObjectDisposedException.ThrowIf(_model.IsClosed, this);
        Validate(requests);
        int n = requests.Length;
        if (n == 0) return;

        var items = new TcBatchItem[n];
        var pins = new MemoryHandle[n * 4];
        var addedRef = new bool[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                ForwardRequest r = requests[i];
                r.Sequence.Cache.DangerousAddRef(ref addedRef[i]);
                pins[4 * i] = r.Tokens.Pin();
                pins[4 * i + 1] = r.Logits.Pin();
                pins[4 * i + 2] = r.Hidden.Pin();
                pins[4 * i + 3] = r.Rows.Pin();
                bool rows = r.Mode == LogitsMode.Rows;
                items[i] = new TcBatchItem
                {
                    Kv = r.Sequence.Cache.DangerousGetHandle(),
                    Tokens = (int*)pins[4 * i].Pointer,
                    TokenCount = r.Tokens.Length,
                    LogitsMode = (int)r.Mode,
                    Logits = r.Mode == LogitsMode.None ? null : (float*)pins[4 * i + 1].Pointer,
                    Hidden = r.Hidden.IsEmpty || r.Mode == LogitsMode.None ? null : (float*)pins[4 * i + 2].Pointer,
                    Rows = rows ? (int*)pins[4 * i + 3].Pointer : null,
                    RowCount = rows ? r.Rows.Length : 0,
                };
            }
            // The native model and pool serve one call at a time and refuse a concurrent second one; callers of this
            // Transformer on several threads are queued here instead.
            fixed (TcBatchItem* p = items)
                lock (_forwardLock)
                    _model.Forward(_pool, p, n);
        }
        finally
        {
            foreach (MemoryHandle pin in pins) pin.Dispose();
            for (int i = 0; i < n; i++)
                if (addedRef[i]) requests[i].Sequence.Cache.DangerousRelease();
        }
    }

    private void Validate(ReadOnlySpan<ForwardRequest> requests)
    {
        ModelConfig c = Config;
        var seen = new HashSet<Sequence>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < requests.Length; i++)
        {
            ForwardRequest r = requests[i];
            string where = $"request {i}";
            if (r.Sequence is null) throw new ArgumentException($"{where}: Sequence is null", nameof(requests));
            if (!ReferenceEquals(r.Sequence.Owner, this)) throw new ArgumentException($"{where}: the sequence belongs to a different Transformer", nameof(requests));
            if (r.Sequence.IsDisposed) throw new ObjectDisposedException(nameof(Sequence), $"{where}: the sequence has been disposed");
            if (!seen.Add(r.Sequence)) throw new ArgumentException($"{where}: the same sequence appears in more than one request", nameof(requests));
            if (r.Mode is < LogitsMode.None or > LogitsMode.Rows) throw new ArgumentException($"{where}: unknown LogitsMode {r.Mode}", nameof(requests));

            ReadOnlySpan<int> tokens = r.Tokens.Span;
            for (int t = 0; t < tokens.Length; t++)
                if ((uint)tokens[t] >= (uint)c.VocabSize)
                    throw new ArgumentOutOfRangeException(nameof(requests), tokens[t], $"{where}: token at index {t} is outside the vocabulary [0, {c.VocabSize})");

            int length = r.Sequence.Length;
            if ((long)length + tokens.Length > r.Sequence.Capacity)
                throw new ArgumentException($"{where}: {length} cached + {tokens.Length} new tokens exceed the sequence capacity of {r.Sequence.Capacity}", nameof(requests));

            if (r.Mode == LogitsMode.Rows) ValidateRows(r.Rows.Span, tokens.Length, where);
            int rows = r.Mode switch { LogitsMode.Last => 1, LogitsMode.All => tokens.Length, LogitsMode.Rows => r.Rows.Length, _ => 0 };
            if (r.Mode == LogitsMode.Last && tokens.Length == 0)
                throw new ArgumentException($"{where}: LogitsMode.Last needs at least one token", nameof(requests));
            if (r.Logits.Length < (long)rows * c.VocabSize)
                throw new ArgumentException($"{where}: Logits holds {r.Logits.Length} floats, mode {r.Mode} needs {(long)rows * c.VocabSize}", nameof(requests));
            if (!r.Hidden.IsEmpty && r.Hidden.Length < (long)rows * c.ModelDim)
                throw new ArgumentException($"{where}: Hidden holds {r.Hidden.Length} floats, mode {r.Mode} needs {(long)rows * c.ModelDim}", nameof(requests));
        }
    }

    private static void ValidateRows(ReadOnlySpan<int> rows, int tokenCount, string where)
    {
        for (int j = 0; j < rows.Length; j++)
        {
            if ((uint)rows[j] >= (uint)tokenCount)
                throw new ArgumentOutOfRangeException("requests", rows[j], $"{where}: Rows[{j}] is outside the request's {tokenCount} new tokens");
            if (j > 0 && rows[j] <= rows[j - 1])
                throw new ArgumentException($"{where}: Rows must be strictly ascending (Rows[{j}] = {rows[j]} after {rows[j - 1]})", "requests");
        }
    }

    public void Dispose()
    {
        _model.Dispose();
        _pool.Dispose();
    }
}
