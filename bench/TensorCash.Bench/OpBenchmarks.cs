using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using TensorCash.Interop;

namespace TensorCash.Bench;

/// <summary>
/// Native op microbenchmarks. GEMV (m = 1, decode) is memory-bound: read its figure as weight bytes / time.
/// GEMM (m = 128, prefill) is compute-bound: 2 * m * rows * cols flops / time. Run one class with
///   dotnet run -c Release --project bench/TensorCash.Bench -- --filter '*MatMul*'
/// </summary>
[MemoryDiagnoser(false)]
public unsafe class MatMulBenchmarks
{
    private const int Rows = 4096, Cols = 2048;
    private float[] _x = null!, _y = null!;
    private void* _weights;
    private TcTensor _w;
    private NativeThreadPool _pool = null!;

    [Params(1, 2)] public int Threads;
    [Params(TensorDTypeParam.F32, TensorDTypeParam.BF16)] public TensorDTypeParam DType;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        int elementBytes = DType == TensorDTypeParam.F32 ? 4 : 2;
        _weights = NativeMemory.AlignedAlloc((nuint)(Rows * Cols * elementBytes), 64);
        var bytes = new Span<byte>(_weights, Rows * Cols * elementBytes);
        for (int i = 0; i < Rows * Cols; i++)
        {
            float v = (float)(rng.NextDouble() * 2 - 1);
            if (DType == TensorDTypeParam.F32) MemoryMarshal.Write(bytes[(4 * i)..], v);
            else MemoryMarshal.Write(bytes[(2 * i)..], (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16));
        }
        _w = new TcTensor { Data = (nint)_weights, DType = (int)DType, Rows = Rows, Cols = Cols };
        _x = Enumerable.Range(0, 128 * Cols).Select(_ => (float)rng.NextDouble()).ToArray();
        _y = new float[128 * Rows];
        _pool = NativeThreadPool.Create(Threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        NativeMemory.AlignedFree(_weights);
    }

    [Benchmark] public void Gemv() => NativeOps.MatMul(_pool, _x, 1, _w, null, _y);

    [Benchmark] public void Gemm128() => NativeOps.MatMul(_pool, _x, 128, _w, null, _y);
}

/// <summary>Weight dtypes benchmarked (values equal TC_DTYPE_*).</summary>
public enum TensorDTypeParam
{
    F32 = 0,
    BF16 = 2,
}

/// <summary>Decode-shaped attention (one query over a long cache) and a prefill chunk; Llama-3.2-1B head layout.</summary>
public class AttentionBenchmarks
{
    private const int Heads = 32, KvHeads = 8, HeadDim = 64;
    private float[] _q = null!, _k = null!, _v = null!, _out = null!;
    private NativeThreadPool _pool = null!;

    [Params(1024)] public int Keys;
    [Params(1, 64)] public int Queries;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        float[] Fill(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _q = Fill(Queries * Heads * HeadDim);
        _k = Fill(Keys * KvHeads * HeadDim);
        _v = Fill(Keys * KvHeads * HeadDim);
        _out = new float[Queries * Heads * HeadDim];
        _pool = NativeThreadPool.Create(2);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    [Benchmark] public void Attention() => NativeOps.Attention(_pool, _q, Queries, _k, _v, Keys, Heads, KvHeads, HeadDim, _out);
}

/// <summary>RMSNorm over a prefill-sized block of rows.</summary>
public unsafe class RmsNormBenchmarks
{
    private const int Rows = 128, Dim = 2048;
    private float[] _x = null!, _y = null!, _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _x = Enumerable.Range(0, Rows * Dim).Select(_ => (float)rng.NextDouble()).ToArray();
        _w = Enumerable.Range(0, Dim).Select(_ => (float)rng.NextDouble()).ToArray();
        _y = new float[Rows * Dim];
    }

    [Benchmark]
    public void RmsNorm()
    {
        fixed (float* w = _w)
            NativeOps.RmsNorm(_x, Rows, Dim, new TcTensor { Data = (nint)w, DType = 0, Rows = 1, Cols = Dim }, 1e-5f, _y);
    }
}
