using System.Runtime.InteropServices;
using TensorCash.Interop;

namespace TensorCash.Tests.Native;

/// <summary>
/// A tc_model built directly from a hand-written config whose every tensor points at one small zeroed buffer: enough for
/// tc_model_create and tc_kv_create, which only read the norm vectors, so configurations far too large to hold can be
/// created to test size checks. Never run a forward pass on one.
/// </summary>
public sealed unsafe class RawModel : IDisposable
{
    private readonly TcModelConfig _config;
    private readonly nint _buffer;
    private readonly double[] _invFreq;

    private RawModel(TcModelConfig config, long bufferBytes)
    {
        _config = config;
        _buffer = (nint)NativeMemory.AllocZeroed((nuint)bufferBytes);
        _invFreq = new double[config.HeadDim / 2];
    }

    public static RawModel Small() => new(new TcModelConfig
    {
        LayerCount = 2, ModelDim = 16, HeadCount = 2, KvHeadCount = 1, HeadDim = 8, FeedForwardDim = 32, VocabSize = 10,
        MaxSequenceLength = 64, RmsNormEps = 1e-5f,
    }, 16 * 32 * 4);

    /// <summary>Any configuration; the buffer holds d_model floats (the norm vectors), which is all creation reads.</summary>
    public static RawModel Huge(TcModelConfig config) => new(config, Math.Max(64, 4L * config.ModelDim));

    public NativeModel Create(Func<TcModelConfig, TcModelConfig>? editConfig = null, Action<TcLayerWeights[]>? editLayers = null)
    {
        TcModelConfig config = editConfig is null ? _config : editConfig(_config);
        TcTensor Tensor(int rows, int cols) => new() { Data = _buffer, DType = 0, Rows = rows, Cols = cols };
        int d = config.ModelDim, q = config.HeadCount * config.HeadDim, kv = config.KvHeadCount * config.HeadDim, ff = config.FeedForwardDim;
        var layers = new TcLayerWeights[config.LayerCount];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = new TcLayerWeights
            {
                AttnNorm = Tensor(1, d), Wq = Tensor(q, d), Wk = Tensor(kv, d), Wv = Tensor(kv, d), Wo = Tensor(d, q),
                FfnNorm = Tensor(1, d), WGate = Tensor(ff, d), WUp = Tensor(ff, d), WDown = Tensor(d, ff),
            };
        editLayers?.Invoke(layers);
        fixed (double* inv = _invFreq)
        fixed (TcLayerWeights* pl = layers)
        {
            config.RopeInvFreq = inv;
            var weights = new TcModelWeights
            {
                TokenEmbedding = Tensor(config.VocabSize, d), OutputNorm = Tensor(1, d), Output = Tensor(config.VocabSize, d), Layers = pl,
            };
            return NativeModel.Create(config, weights);
        }
    }

    public void Dispose() => NativeMemory.Free((void*)_buffer);
}
