using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Single native ops (tests and microbenchmarks): same kernels as the forward pass.</summary>
public static unsafe partial class NativeOps
{
    /// <summary>y[m, w.Rows] = x[m, w.Cols] . w^T (+ bias).</summary>
    public static void MatMul(NativeThreadPool? pool, ReadOnlySpan<float> x, int m, in TcTensor w, TcTensor? bias, Span<float> y)
    {
        Require(x.Length >= (long)m * w.Cols, nameof(x), $"needs {(long)m * w.Cols} floats, has {x.Length}");
        Require(y.Length >= (long)m * w.Rows, nameof(y), $"needs {(long)m * w.Rows} floats, has {y.Length}");
        TcTensor b = bias.GetValueOrDefault();
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (TcTensor* pw = &w)
        {
            TcTensor* pb = bias.HasValue ? &b : null;
            int status = pool is null ? tc_op_matmul(0, px, m, pw, pb, py) : tc_op_matmul(pool, px, m, pw, pb, py);
            NativeStatus.Check(status, "tc_op_matmul");
        }
    }

    public static void RmsNorm(ReadOnlySpan<float> x, int m, int d, in TcTensor w, float eps, Span<float> y)
    {
        Require(x.Length >= (long)m * d && y.Length >= (long)m * d, nameof(x), $"x and y need {(long)m * d} floats");
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (TcTensor* pw = &w)
            NativeStatus.Check(tc_op_rmsnorm(px, m, d, pw, eps, py), "tc_op_rmsnorm");
    }

    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Require(x.Length == y.Length, nameof(y), $"length {y.Length} differs from x's {x.Length}");
        float result;
        fixed (float* px = x)
        fixed (float* py = y)
            NativeStatus.Check(tc_op_dot(px, py, x.Length, &result), "tc_op_dot");
        return result;
    }

    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        Require(gate.Length == up.Length && y.Length >= gate.Length, nameof(y), "gate, up and y need equal lengths");
        fixed (float* pg = gate)
        fixed (float* pu = up)
        fixed (float* py = y)
            NativeStatus.Check(tc_op_swiglu(pg, pu, gate.Length, py), "tc_op_swiglu");
    }

    public static void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        Require(y.Length >= x.Length, nameof(y), $"needs {x.Length} floats, has {y.Length}");
        fixed (float* px = x)
        fixed (float* py = y)
            NativeStatus.Check(tc_op_exp(px, x.Length, py), "tc_op_exp");
    }

    /// <summary>The backend's fp64 natural log (tc_op_log), elementwise: the log of the proof statistics, not libm's.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> y)
    {
        Require(y.Length >= x.Length, nameof(y), $"needs {x.Length} doubles, has {y.Length}");
        fixed (double* px = x)
        fixed (double* py = y)
            NativeStatus.Check(tc_op_log(px, x.Length, py), "tc_op_log");
    }

    /// <summary>The backend's fp64 sine and cosine (tc_op_sincos), elementwise: the functions of the RoPE tables, not libm's.</summary>
    public static void SinCos(ReadOnlySpan<double> x, Span<double> sin, Span<double> cos)
    {
        Require(sin.Length >= x.Length, nameof(sin), $"needs {x.Length} doubles, has {sin.Length}");
        Require(cos.Length >= x.Length, nameof(cos), $"needs {x.Length} doubles, has {cos.Length}");
        fixed (double* px = x)
        fixed (double* ps = sin)
        fixed (double* pc = cos)
            NativeStatus.Check(tc_op_sincos(px, x.Length, ps, pc), "tc_op_sincos");
    }

    /// <summary>
    /// Causal attention of <paramref name="queries"/> new positions over <paramref name="keys"/> cached ones (token-major k/v);
    /// with <paramref name="slidingWindow"/> W > 0 a query at position p reads only keys p - W + 1 .. p (0 = no window).
    /// </summary>
    public static void Attention(NativeThreadPool? pool, ReadOnlySpan<float> q, int queries, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int keys, int heads, int kvHeads, int headDim, Span<float> output, int slidingWindow = 0)
    {
        long qd = (long)heads * headDim, kvd = (long)kvHeads * headDim;
        Require(q.Length >= queries * qd && output.Length >= queries * qd, nameof(q), $"q and output need {queries * qd} floats");
        Require(k.Length >= keys * kvd && v.Length >= keys * kvd, nameof(k), $"k and v need {keys * kvd} floats");
        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        {
            int status = pool is null
                ? tc_op_attention(0, pq, queries, pk, pv, keys, heads, kvHeads, headDim, slidingWindow, po)
                : tc_op_attention(pool, pq, queries, pk, pv, keys, heads, kvHeads, headDim, slidingWindow, po);
            NativeStatus.Check(status, "tc_op_attention");
        }
    }

    private static void Require(bool ok, string name, string problem)
    {
        if (!ok) throw new ArgumentException(problem, name);
    }

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_matmul")]
    private static partial int tc_op_matmul(NativeThreadPool pool, float* x, int m, TcTensor* w, TcTensor* bias, float* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_matmul")]
    private static partial int tc_op_matmul(nint noPool, float* x, int m, TcTensor* w, TcTensor* bias, float* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_rmsnorm")]
    private static partial int tc_op_rmsnorm(float* x, int m, int d, TcTensor* w, float eps, float* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_dot")]
    private static partial int tc_op_dot(float* x, float* y, int n, float* output);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_swiglu")]
    private static partial int tc_op_swiglu(float* gate, float* up, int n, float* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_exp")]
    private static partial int tc_op_exp(float* x, int n, float* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_log")]
    private static partial int tc_op_log(double* x, int n, double* y);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_sincos")]
    private static partial int tc_op_sincos(double* x, int n, double* sin, double* cos);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_attention")]
    private static partial int tc_op_attention(NativeThreadPool pool, float* q, int nQ, float* k, float* v, int nKv, int heads, int kvHeads, int headDim, int slidingWindow, float* output);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_op_attention")]
    private static partial int tc_op_attention(nint noPool, float* q, int nQ, float* k, float* v, int nKv, int heads, int kvHeads, int headDim, int slidingWindow, float* output);
}
