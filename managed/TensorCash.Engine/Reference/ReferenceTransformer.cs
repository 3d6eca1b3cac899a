using System.Runtime.InteropServices;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;

namespace TensorCash.Engine.Reference;

/// <summary>
/// A plain float64 forward pass over <see cref="ModelWeights"/>, written for clarity rather than speed.
/// It shares nothing with the native backend, not even the RoPE frequencies (<see cref="ReferenceRope"/> derives its own), so agreement between the two
/// (to fp32 accuracy) is independent evidence that the native kernels compute the model. Every operation is a fixed
/// sequence of IEEE binary64 operations (<see cref="ReferenceMath"/>, <see cref="DeterministicMath"/>; no libm), so the
/// result is the same on every machine and at every thread count: the weight audit's probes rely on that. Weight
/// matrices are streamed row by row (each row decoded once per layer and applied to every position), never widened
/// whole, so memory stays at O(positions × width) even for a large model.
/// </summary>
public sealed class ReferenceTransformer
{
    private readonly ModelWeights _weights;
    private readonly ModelConfig _config;
    private readonly double[] _invFreq;
    private readonly int _threads;

    /// <param name="threads">Threads for the matrix products (rows are split between them; the result does not depend on it).</param>
    public ReferenceTransformer(ModelWeights weights, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _weights = weights;
        _config = weights.Config;
        if (_config.SlidingWindow is < 1)
            throw new ArgumentException($"{weights.Source}: sliding window {_config.SlidingWindow} must be at least 1 position (or none)", nameof(weights));
        _invFreq = InverseFrequenciesFor(_config);
        _threads = threads;
    }

    /// <summary>The RoPE inverse frequencies the reference rotates by: its own (<see cref="ReferenceRope"/>), not the backend's.</summary>
    public static double[] InverseFrequenciesFor(ModelConfig config) => ReferenceRope.InverseFrequencies(config);

    /// <summary>Logits [tokens.Length, VocabSize] for every position of the full sequence.</summary>
    public double[,] Forward(ReadOnlySpan<int> tokens) => Forward(tokens, null);

    /// <summary>
    /// Logits for every position; <paramref name="onLayer"/>, when given, sees each layer's residual stream before and
    /// after it (layer index, [position][d_model] in, [position][d_model] out; the arrays are not reused).
    /// </summary>
    public double[,] Forward(ReadOnlySpan<int> tokens, Action<int, double[][], double[][]>? onLayer)
    {
        ModelConfig c = _config;
        int n = tokens.Length, d = c.ModelDim;
        var x = new double[n][];
        for (int t = 0; t < n; t++)
        {
            if ((uint)tokens[t] >= (uint)c.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[t], $"token at index {t} is outside the vocabulary");
            x[t] = new double[d];
            DecodeRow(_weights.TokenEmbedding, tokens[t], x[t]);
        }

        for (int li = 0; li < _weights.Layers.Count; li++)
        {
            LayerWeights layer = _weights.Layers[li];
            double[][] before = onLayer is null ? x : x.Select(r => (double[])r.Clone()).ToArray();
            double[][] xn = RmsNormAll(x, layer.AttnNorm);
            double[][] q = Linear(xn, layer.Wq, layer.Bq);
            double[][] k = Linear(xn, layer.Wk, layer.Bk);
            double[][] v = Linear(xn, layer.Wv, layer.Bv);
            for (int t = 0; t < n; t++)
            {
                Rope(q[t], c.HeadCount, t);
                Rope(k[t], c.KvHeadCount, t);
            }
            var attention = new double[n][];
            for (int t = 0; t < n; t++) attention[t] = Attention(q, k, v, t);
            double[][] o = Linear(attention, layer.Wo, null);
            for (int t = 0; t < n; t++) Add(x[t], o[t]);
            xn = RmsNormAll(x, layer.FfnNorm);
            double[][] gate = Linear(xn, layer.WGate, null);
            double[][] up = Linear(xn, layer.WUp, null);
            for (int t = 0; t < n; t++)
                for (int i = 0; i < gate[t].Length; i++) gate[t][i] = ReferenceMath.Silu(gate[t][i]) * up[t][i];
            double[][] down = Linear(gate, layer.WDown, null);
            for (int t = 0; t < n; t++) Add(x[t], down[t]);
            onLayer?.Invoke(li, before, x.Select(r => (double[])r.Clone()).ToArray());
        }

        double[][] rows = Linear(RmsNormAll(x, _weights.OutputNorm), _weights.Output, null);
        var logits = new double[n, c.VocabSize];
        for (int t = 0; t < n; t++)
            for (int i = 0; i < c.VocabSize; i++) logits[t, i] = rows[t][i];
        return logits;
    }

    /// <summary>
    /// Causal attention of position t. Under a sliding window W (Mistral) the query sees only keys j with
    /// t - W &lt; j &lt;= t, Hugging Face's mask (kv_idx &gt; q_idx - sliding_window and kv_idx &lt;= q_idx); the keys outside
    /// get weight exactly 0, which this writes as a skipped term.
    /// </summary>
    private double[] Attention(double[][] q, double[][] k, double[][] v, int t)
    {
        ModelConfig c = _config;
        int hd = c.HeadDim, group = c.HeadCount / c.KvHeadCount;
        var output = new double[c.HeadCount * hd];
        var scores = new double[t + 1];
        double scale = Math.Sqrt(hd); // correctly rounded: IEEE
        for (int h = 0; h < c.HeadCount; h++)
        {
            int qo = h * hd, ko = h / group * hd;
            double max = double.NegativeInfinity;
            for (int j = 0; j <= t; j++)
            {
                if (!Visible(t, j)) continue;
                scores[j] = ReferenceMath.Dot(q[t].AsSpan(qo, hd), k[j].AsSpan(ko, hd)) / scale;
                max = Math.Max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j <= t; j++)
                if (Visible(t, j)) sum += scores[j] = DeterministicMath.Exp(scores[j] - max);
            for (int j = 0; j <= t; j++)
                if (Visible(t, j))
                    for (int i = 0; i < hd; i++) output[qo + i] += scores[j] / sum * v[j][ko + i];
        }
        return output;
    }

    /// <summary>Whether a query at position t may attend to the key at position j &lt;= t.</summary>
    private bool Visible(int t, int j) => _config.SlidingWindow is not { } window || j > t - window;

    // Rotate-half RoPE: pairs (i, i + head_dim/2).
    private void Rope(double[] row, int heads, int pos)
    {
        int half = _config.HeadDim / 2;
        for (int i = 0; i < half; i++)
        {
            var (sin, cos) = ReferenceMath.SinCos(pos * _invFreq[i]);
            for (int h = 0; h < heads; h++)
            {
                int a = h * _config.HeadDim + i, b = a + half;
                (row[a], row[b]) = (row[a] * cos - row[b] * sin, row[b] * cos + row[a] * sin);
            }
        }
    }

    private double[][] RmsNormAll(double[][] x, TensorView weight)
    {
        double[] w = Decode(weight);
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            double r = 1 / Math.Sqrt(ReferenceMath.SumOfSquares(x[t]) / x[t].Length + _config.RmsNormEps);
            y[t] = new double[x[t].Length];
            for (int i = 0; i < y[t].Length; i++) y[t][i] = x[t][i] * r * w[i];
        }
        return y;
    }

    /// <summary>y[t] = W x[t] (+ b) for every position, W streamed one decoded row at a time (rows split between threads).</summary>
    private double[][] Linear(double[][] x, TensorView w, TensorView? bias)
    {
        int rows = w.Rows, cols = w.Cols, n = x.Length;
        foreach (var xt in x)
            if (xt.Length != cols) throw new ArgumentException($"tensor '{w.Name}': {cols} columns, input has {xt.Length}");
        double[]? b = bias is { } bv ? Decode(bv) : null;
        var y = new double[n][];
        for (int t = 0; t < n; t++) y[t] = new double[rows];
        int blocks = Math.Min(_threads * 4, rows);
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, block =>
        {
            var row = new double[cols];
            int from = (int)((long)rows * block / blocks), to = (int)((long)rows * (block + 1) / blocks);
            for (int r = from; r < to; r++)
            {
                DecodeRow(w, r, row);
                for (int t = 0; t < n; t++) y[t][r] = ReferenceMath.Dot(x[t], row) + (b?[r] ?? 0);
            }
        });
        return y;
    }

    private static void Add(double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) x[i] += y[i];
    }

    /// <summary>Bytes of one row of a tensor (Q8_0: 34 bytes per block of 32).</summary>
    public static long RowBytes(TensorView view) => view.DType switch
    {
        TensorDType.F32 => view.Cols * 4L,
        TensorDType.F16 or TensorDType.BF16 => view.Cols * 2L,
        TensorDType.Q8_0 => view.Cols / 32 * 34L,
        _ => throw new ArgumentException($"tensor '{view.Name}': unsupported dtype {view.DType}"),
    };

    /// <summary>Row <paramref name="row"/> of a tensor (the whole vector for a 1-D tensor) as doubles, for any supported dtype.</summary>
    public static unsafe void DecodeRow(TensorView view, long row, Span<double> destination)
    {
        int cols = view.Cols;
        if (destination.Length < cols) throw new ArgumentException($"tensor '{view.Name}': a row has {cols} elements, the buffer {destination.Length}");
        if (row < 0 || row >= view.Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"tensor '{view.Name}' has {view.Rows} rows");
        long rowBytes = RowBytes(view);
        var bytes = new ReadOnlySpan<byte>((byte*)view.Data + row * rowBytes, checked((int)rowBytes));
        DecodeInto(view.DType, view.Name, bytes, destination[..cols]);
    }

    private static void DecodeInto(TensorDType dtype, string name, ReadOnlySpan<byte> bytes, Span<double> result)
    {
        int count = result.Length;
        switch (dtype)
        {
            case TensorDType.F32:
                ReadOnlySpan<float> f = MemoryMarshal.Cast<byte, float>(bytes);
                for (int i = 0; i < count; i++) result[i] = f[i];
                break;
            case TensorDType.F16:
                ReadOnlySpan<Half> h = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < count; i++) result[i] = (double)h[i];
                break;
            case TensorDType.BF16:
                ReadOnlySpan<ushort> b = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < count; i++) result[i] = BitConverter.Int32BitsToSingle(b[i] << 16);
                break;
            case TensorDType.Q8_0:
                for (int block = 0; block < count / 32; block++)
                {
                    ReadOnlySpan<byte> blk = bytes.Slice(block * 34, 34);
                    double scale = (double)BitConverter.UInt16BitsToHalf((ushort)(blk[0] | blk[1] << 8));
                    for (int i = 0; i < 32; i++) result[block * 32 + i] = scale * (sbyte)blk[2 + i];
                }
                break;
            default:
                throw new ArgumentException($"tensor '{name}': unsupported dtype {dtype}");
        }
    }

    /// <summary>Every element of a tensor as double, for any supported dtype (Q8_0: 34-byte blocks, f16 scale then 32 int8).</summary>
    public static unsafe double[] Decode(TensorView view)
    {
        var result = new double[checked((int)view.ElementCount)];
        DecodeInto(view.DType, view.Name, new ReadOnlySpan<byte>((void*)view.Data, checked((int)view.ByteLength)), result);
        return result;
    }
}
