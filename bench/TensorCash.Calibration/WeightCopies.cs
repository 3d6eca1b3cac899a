using System.Runtime.InteropServices;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;

namespace TensorCash.Calibration;

/// <summary>
/// Copies of a loaded model's weights for the model-level attacks on a trained model: the same function in another
/// storage type (F16, Q8_0: what a miner would substitute to run cheaper), or every weight matrix perturbed by a small
/// multiplicative noise (a stand-in for "a different model" close to the honest one, such as another checkpoint).
/// Norm vectors (1-D) stay F32 in a Q8_0 copy and rows that are not whole Q8_0 blocks become F16, as GgufWriter stores
/// them. Tied embeddings stay tied (one encoded tensor, two views).
/// </summary>
public static class WeightCopies
{
    public static ModelWeights Recode(ModelWeights source, TensorDType dtype, string name) =>
        Map(source, name, (view, values) => (values, GgufWriter.StoredDType(view.Shape, dtype)));

    /// <summary>Every 2-D weight w becomes w · (1 + ε·g) with g uniform in [-1, 1) (seeded); stored as the source's dtype.</summary>
    public static ModelWeights Perturb(ModelWeights source, double epsilon, ulong seed, string name)
    {
        var rng = new SplitMix64(seed);
        return Map(source, name, (view, values) =>
        {
            if (view.Shape.Length > 1)
                for (int i = 0; i < values.Length; i++)
                    values[i] *= (float)(1 + epsilon * ((rng.Next() >> 11) * (2.0 / (1UL << 53)) - 1));
            return (values, view.DType);
        });
    }

    private static ModelWeights Map(ModelWeights source, string name, Func<TensorView, float[], (float[] Values, TensorDType DType)> transform)
    {
        var buffers = new List<IDisposable>();
        var done = new Dictionary<nint, TensorView>();
        TensorView Copy(TensorView view)
        {
            if (done.TryGetValue(view.Data, out var existing)) return existing;
            var raw = new byte[view.ByteLength];
            Marshal.Copy(view.Data, raw, 0, raw.Length);
            var (values, dtype) = transform(view, WeightEncoding.Decode(raw, view.DType, view.ElementCount));
            return done[view.Data] = InMemoryModel.EncodeView(view.Name, view.Shape, values, dtype, buffers);
        }
        TensorView? Maybe(TensorView? view) => view is { } v ? Copy(v) : null;
        try
        {
            var layers = source.Layers.Select(l => new LayerWeights(Copy(l.AttnNorm), Copy(l.Wq), Copy(l.Wk), Copy(l.Wv), Copy(l.Wo),
                Maybe(l.Bq), Maybe(l.Bk), Maybe(l.Bv), Copy(l.FfnNorm), Copy(l.WGate), Copy(l.WUp), Copy(l.WDown))).ToList();
            return new ModelWeights(source.Config, Copy(source.TokenEmbedding), Copy(source.OutputNorm), Copy(source.Output), layers, name, [], buffers);
        }
        catch
        {
            foreach (var b in buffers) b.Dispose();
            throw;
        }
    }
}
