using System.Runtime.InteropServices;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;

namespace TensorCash.Engine.Reference;

/// <summary>
/// A plain float64 forward pass over <see cref="ModelWeights"/>, written for clarity rather than speed.
/// It shares nothing with the native backend except the RoPE frequencies, so agreement between the two
/// (to fp32 accuracy) is independent evidence that the native kernels compute the model. Only for small
/// models: every weight matrix is widened to double on first use and kept.
/// </summary>
public sealed class ReferenceTransformer
{
    private readonly ModelWeights _weights;
    private readonly ModelConfig _config;
    private readonly double[] _invFreq;
    private readonly Dictionary<nint, double[]> _widened = new();

    public ReferenceTransformer(ModelWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = weights;
        _config = weights.Config;
        _invFreq = RopeFrequencies.Compute(_config);
    }

    /// <summary>Logits [tokens.Length, VocabSize] for every position of the full sequence.</summary>
    public double[,] Forward(ReadOnlySpan<int> tokens)
    {
        ModelConfig c = _config;
        int n = tokens.Length, d = c.ModelDim;
        var x = new double[n][];
        double[] embedding = Widen(_weights.TokenEmbedding);
        for (int t = 0; t < n; t++)
        {
            if ((uint)tokens[t] >= (uint)c.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[t], $"token at index {t} is outside the vocabulary");
            x[t] = embedding.AsSpan(tokens[t] * d, d).ToArray();
        }

        foreach (LayerWeights layer in _weights.Layers)
        {
            var q = new double[n][];
            var k = new double[n][];
            var v = new double[n][];
            for (int t = 0; t < n; t++)
            {
                double[] xn = RmsNorm(x[t], Widen(layer.AttnNorm));
                q[t] = Linear(xn, layer.Wq, layer.Bq);
                k[t] = Linear(xn, layer.Wk, layer.Bk);
                v[t] = Linear(xn, layer.Wv, layer.Bv);
                Rope(q[t], c.HeadCount, t);
                Rope(k[t], c.KvHeadCount, t);
            }
            for (int t = 0; t < n; t++)
            {
                double[] attention = Attention(q, k, v, t);
                Add(x[t], Linear(attention, layer.Wo, null));
                double[] xn = RmsNorm(x[t], Widen(layer.FfnNorm));
                double[] gate = Linear(xn, layer.WGate, null);
                double[] up = Linear(xn, layer.WUp, null);
                for (int i = 0; i < gate.Length; i++) gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                Add(x[t], Linear(gate, layer.WDown, null));
            }
        }

        var logits = new double[n, c.VocabSize];
        for (int t = 0; t < n; t++)
        {
            double[] row = Linear(RmsNorm(x[t], Widen(_weights.OutputNorm)), _weights.Output, null);
            for (int i = 0; i < row.Length; i++) logits[t, i] = row[i];
        }
        return logits;
    }

    private double[] Attention(double[][] q, double[][] k, double[][] v, int t)
    {
        ModelConfig c = _config;
        int hd = c.HeadDim, group = c.HeadCount / c.KvHeadCount;
        var output = new double[c.HeadCount * hd];
        var scores = new double[t + 1];
        for (int h = 0; h < c.HeadCount; h++)
        {
            int qo = h * hd, ko = h / group * hd;
            double max = double.NegativeInfinity;
            for (int j = 0; j <= t; j++)
            {
                double s = 0;
                for (int i = 0; i < hd; i++) s += q[t][qo + i] * k[j][ko + i];
                scores[j] = s / Math.Sqrt(hd);
                max = Math.Max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j <= t; j++) sum += scores[j] = Math.Exp(scores[j] - max);
            for (int j = 0; j <= t; j++)
                for (int i = 0; i < hd; i++) output[qo + i] += scores[j] / sum * v[j][ko + i];
        }
        return output;
    }

    // Rotate-half RoPE: pairs (i, i + head_dim/2).
    private void Rope(double[] row, int heads, int pos)
    {
        int half = _config.HeadDim / 2;
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < half; i++)
            {
                int a = h * _config.HeadDim + i, b = a + half;
                double angle = pos * _invFreq[i], cos = Math.Cos(angle), sin = Math.Sin(angle);
                (row[a], row[b]) = (row[a] * cos - row[b] * sin, row[b] * cos + row[a] * sin);
            }
    }

    private double[] RmsNorm(double[] x, double[] w)
    {
        double ss = 0;
        foreach (double e in x) ss += e * e;
        double r = 1 / Math.Sqrt(ss / x.Length + _config.RmsNormEps);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * r * w[i];
        return y;
    }

    private double[] Linear(double[] x, TensorView w, TensorView? bias)
    {
        double[] m = Widen(w);
        int rows = w.Rows, cols = w.Cols;
        if (cols != x.Length) throw new ArgumentException($"tensor '{w.Name}': {cols} columns, input has {x.Length}");
        double[]? b = bias is { } bv ? Widen(bv) : null;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int i = 0; i < cols; i++) s += x[i] * m[r * cols + i];
            y[r] = s + (b?[r] ?? 0);
        }
        return y;
    }

    private static void Add(double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) x[i] += y[i];
    }

    private double[] Widen(TensorView view)
    {
        if (!_widened.TryGetValue(view.Data, out double[]? values))
        {
            values = Decode(view);
            _widened[view.Data] = values;
        }
        return values;
    }

    /// <summary>Every element of a tensor as double, for any supported dtype (Q8_0: 34-byte blocks, f16 scale then 32 int8).</summary>
    public static unsafe double[] Decode(TensorView view)
    {
        long count = view.ElementCount;
        var result = new double[count];
        var bytes = new ReadOnlySpan<byte>((void*)view.Data, checked((int)view.ByteLength));
        switch (view.DType)
        {
            case TensorDType.F32:
                ReadOnlySpan<float> f = MemoryMarshal.Cast<byte, float>(bytes);
                for (long i = 0; i < count; i++) result[i] = f[(int)i];
                break;
            case TensorDType.F16:
                ReadOnlySpan<Half> h = MemoryMarshal.Cast<byte, Half>(bytes);
                for (long i = 0; i < count; i++) result[i] = (double)h[(int)i];
                break;
            case TensorDType.BF16:
                ReadOnlySpan<ushort> b = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (long i = 0; i < count; i++) result[i] = BitConverter.Int32BitsToSingle(b[(int)i] << 16);
                break;
            case TensorDType.Q8_0:
                for (long block = 0; block < count / 32; block++)
                {
                    ReadOnlySpan<byte> blk = bytes.Slice((int)(block * 34), 34);
                    double scale = (double)BitConverter.UInt16BitsToHalf((ushort)(blk[0] | blk[1] << 8));
                    for (int i = 0; i < 32; i++) result[block * 32 + i] = scale * (sbyte)blk[2 + i];
                }
                break;
            default:
                throw new ArgumentException($"tensor '{view.Name}': unsupported dtype {view.DType}");
        }
        return result;
    }
}
