using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>Single native ops: DOT16 and ISA bitwise agreement, and accuracy against float64.</summary>
public class KernelTests
{
    private static readonly TensorDType[] AllDTypes = [TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0];

    [Test]
    public void DotIsBitwiseTheHeaderDefinitionOnEveryIsa()
    {
        var rng = new TestRng(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(1, 300);
            float[] x = rng.Floats(n, 10), y = rng.Floats(n, 10);
            float expected = Dot16.Compute(x, y);
            foreach (var (isa, result) in IsaScope.OnEach(() => NativeOps.Dot(x, y)))
                BitAssert.Equal(expected, result, $"n={n} isa={isa}");
        }
    }

    /// <summary>
    /// The zero-padded tail: lanes past n add fma(+0, +0, lane), which turns a lane holding -0 (an underflowed negative
    /// product) into +0. With n = 17 every lane but 0 is such a lane, so the sum is +0, not -0, on every ISA.
    /// </summary>
    [Test]
    public void ZeroPaddedTailTurnsAnUnderflowedMinusZeroLaneIntoPlusZero()
    {
        float[] x = Enumerable.Repeat(-1e-30f, 17).ToArray(), y = Enumerable.Repeat(1e-30f, 17).ToArray();
        Assert.That(BitConverter.SingleToInt32Bits(Dot16.Compute(x, y)), Is.EqualTo(0), "the header's definition gives +0");
        foreach (var (isa, result) in IsaScope.OnEach(() => NativeOps.Dot(x, y)))
            Assert.That(BitConverter.SingleToInt32Bits(result), Is.EqualTo(0), $"isa={isa}: 0x{BitConverter.SingleToInt32Bits(result):x8}");
        // Whole blocks have no padding: the -0 lanes survive.
        float[] x16 = x[..16], y16 = y[..16];
        foreach (var (isa, result) in IsaScope.OnEach(() => NativeOps.Dot(x16, y16)))
            Assert.That(BitConverter.SingleToInt32Bits(result), Is.EqualTo(int.MinValue), $"isa={isa}, n=16");
    }

    [Test]
    public void DotOfUnderflowingInputsIsBitwiseTheHeaderDefinitionOnEveryIsa()
    {
        var rng = new TestRng(19);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = rng.Next(1, 70);
            float[] x = BitAssert.Underflowing(rng, n), y = trial % 2 == 0 ? BitAssert.Underflowing(rng, n) : rng.Floats(n, 1e-20f);
            float expected = Dot16.Compute(x, y);
            foreach (var (isa, result) in IsaScope.OnEach(() => NativeOps.Dot(x, y)))
                BitAssert.Equal(expected, result, $"trial {trial} n={n} isa={isa}");
        }
    }

    /// <summary>Every matmul tile and tail path against the header's DOT16 on underflowing tokens, per dtype (weights widened exactly).</summary>
    [TestCaseSource(nameof(AllDTypes))]
    public void MatMulOfUnderflowingInputsIsTheHeaderDefinitionOnEveryIsa(TensorDType dtype)
    {
        var rng = new TestRng(20 + (ulong)dtype);
        using var pool = NativeThreadPool.Create(2);
        for (int trial = 0; trial < 6; trial++)
        {
            int rows = rng.Next(1, 40), m = rng.Next(1, 9);
            int cols = dtype == TensorDType.Q8_0 ? 32 * rng.Next(1, 4) : rng.Next(1, 90);
            float[] x = BitAssert.Underflowing(rng, m * cols), w = rng.Floats(rows * cols, 1e-25f);
            using var wb = new NativeBuffer(TestTensors.Encode(w, dtype));
            TcTensor wt = TestTensors.Native(wb, dtype, rows, cols);
            float[] wf = ReferenceTransformer.Decode(TestTensors.View("w", wb, dtype, rows, cols)).Select(v => (float)v).ToArray();
            var expected = new float[m * rows];
            for (int t = 0; t < m; t++)
                for (int r = 0; r < rows; r++) expected[t * rows + r] = Dot16.Compute(x.AsSpan(t * cols, cols), wf.AsSpan(r * cols, cols));
            foreach (NativeIsa isa in IsaScope.Supported())
                using (new IsaScope(isa))
                    BitAssert.Equal(expected, MatMul(pool, x, m, wt), $"{dtype} isa={isa} m={m} rows={rows} cols={cols}");
        }
    }

    [Test]
    public void ExpIsAccurateToAFewUlpsOverTheNormalRange()
    {
        var rng = new TestRng(12);
        float[] x = Enumerable.Range(0, 20000).Select(_ => rng.NextFloat() * 87f).Concat([0f, 1f, -1f, 88.7f, -87.3f]).ToArray();
        foreach (var (isa, y) in IsaScope.OnEach(() => { var y = new float[x.Length]; NativeOps.Exp(x, y); return y; }))
        {
            double worst = 0;
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] / Math.Exp(x[i]) - 1));
            Assert.That(worst, Is.LessThan(3e-7), $"isa={isa}");
        }
    }

    [Test]
    public void ExpHandlesOverflowUnderflowAndNaN()
    {
        float[] x = [-1000f, -88f, 89f, 1000f, float.NegativeInfinity, float.PositiveInfinity, float.NaN];
        foreach (var (isa, y) in IsaScope.OnEach(() => { var y = new float[x.Length]; NativeOps.Exp(x, y); return y; }))
        {
            Assert.That(y[..2], Is.All.EqualTo(0f), $"isa={isa}: results below 2^-126 flush to zero");
            Assert.That(y[2..4], Is.All.EqualTo(float.PositiveInfinity), $"isa={isa}");
            Assert.That(y[4], Is.EqualTo(0f), $"isa={isa}");
            Assert.That(y[5], Is.EqualTo(float.PositiveInfinity), $"isa={isa}");
            Assert.That(float.IsNaN(y[6]), $"isa={isa}");
        }
    }

    [Test]
    public void ElementwiseOpsAreBitwiseEqualAcrossIsas()
    {
        var rng = new TestRng(13);
        float[] x = rng.Floats(1001, 30), g = rng.Floats(1001, 12), u = rng.Floats(1001, 3);
        var results = IsaScope.OnEach(() =>
        {
            var e = new float[x.Length];
            var s = new float[x.Length];
            NativeOps.Exp(x, e);
            NativeOps.SwiGlu(g, u, s);
            return e.Concat(s).ToArray();
        });
        foreach (var (isa, r) in results) BitAssert.Equal(results[0].Result, r, $"isa={isa}");
    }

    /// <summary>Inputs whose results underflow or are signed zeros: where a value comparison would hide a -0/+0 split.</summary>
    [Test]
    public void ElementwiseOpsOfUnderflowingInputsAreBitwiseEqualAcrossIsas()
    {
        var rng = new TestRng(18);
        float[] tiny = BitAssert.Underflowing(rng, 203);
        float[] x = tiny.Concat([-0f, 0f, -87.3f, -87.4f, -103f, -150f, float.Epsilon, -float.Epsilon]).ToArray();
        float[] g = BitAssert.Underflowing(rng, x.Length), u = BitAssert.Underflowing(rng, x.Length);
        var results = IsaScope.OnEach(() =>
        {
            var e = new float[x.Length];
            var s = new float[x.Length];
            NativeOps.Exp(x, e);
            NativeOps.SwiGlu(g, u, s);
            return e.Concat(s).ToArray();
        });
        Assert.That(results[0].Result.Skip(x.Length).Any(v => BitConverter.SingleToInt32Bits(v) == int.MinValue), "some SwiGLU outputs are -0");
        foreach (var (isa, r) in results) BitAssert.Equal(results[0].Result, r, $"isa={isa}");
    }

    [Test]
    public void SwiGluAndRmsNormMatchFloat64()
    {
        var rng = new TestRng(14);
        float[] g = rng.Floats(333, 8), u = rng.Floats(333, 2);
        var y = new float[g.Length];
        NativeOps.SwiGlu(g, u, y);
        for (int i = 0; i < g.Length; i++)
            Assert.That(y[i], Is.EqualTo(g[i] / (1 + Math.Exp(-g[i])) * u[i]).Within(1e-6 * (1 + Math.Abs(g[i] * u[i]))));

        const int m = 3, d = 77;
        float[] x = rng.Floats(m * d, 5), w = rng.Floats(d);
        using var wb = new NativeBuffer(TestTensors.Encode(w, TensorDType.F32));
        var yn = new float[m * d];
        NativeOps.RmsNorm(x, m, d, TestTensors.Native(wb, TensorDType.F32, 1, d), 1e-5f, yn);
        for (int r = 0; r < m; r++)
        {
            double ss = 0;
            for (int i = 0; i < d; i++) ss += (double)x[r * d + i] * x[r * d + i];
            double inv = 1 / Math.Sqrt(ss / d + 1e-5);
            for (int i = 0; i < d; i++) Assert.That(yn[r * d + i], Is.EqualTo(x[r * d + i] * inv * w[i]).Within(1e-5));
        }
    }

    [TestCaseSource(nameof(AllDTypes))]
    public void MatMulMatchesFloat64(TensorDType dtype)
    {
        var rng = new TestRng(15 + (ulong)dtype);
        const int m = 5, rows = 37, cols = 96;
        float[] x = rng.Floats(m * cols), w = rng.Floats(rows * cols), b = rng.Floats(rows);
        using var wb = new NativeBuffer(TestTensors.Encode(w, dtype));
        using var bb = new NativeBuffer(TestTensors.Encode(b, TensorDType.F32));
        double[] wd = ReferenceTransformer.Decode(TestTensors.View("w", wb, dtype, rows, cols));
        var y = new float[m * rows];
        NativeOps.MatMul(null, x, m, TestTensors.Native(wb, dtype, rows, cols), TestTensors.Native(bb, TensorDType.F32, 1, rows), y);
        for (int t = 0; t < m; t++)
            for (int r = 0; r < rows; r++)
            {
                double expected = b[r];
                for (int k = 0; k < cols; k++) expected += (double)x[t * cols + k] * wd[r * cols + k];
                Assert.That(y[t * rows + r], Is.EqualTo(expected).Within(2e-5), $"t={t} r={r}");
            }
    }

    /// <summary>Odd shapes hit every tile and tail path; all must equal the scalar DOT16 path exactly, for any m and thread count.</summary>
    [TestCaseSource(nameof(AllDTypes))]
    public void MatMulIsBitwiseInvariantToIsaBatchAndThreads(TensorDType dtype)
    {
        var rng = new TestRng(16 + (ulong)dtype);
        using var pool2 = NativeThreadPool.Create(2);
        using var pool3 = NativeThreadPool.Create(3);
        for (int trial = 0; trial < 12; trial++)
        {
            // The last trials use long rows so the GEMM path splits k into several blocks.
            bool longRows = trial >= 10;
            int rows = rng.Next(1, 70), m = rng.Next(longRows ? 5 : 1, 8);
            int cols = dtype == TensorDType.Q8_0 ? 32 * (longRows ? rng.Next(33, 40) : rng.Next(1, 5)) : rng.Next(longRows ? 1030 : 1, longRows ? 1300 : 150);
            float[] x = rng.Floats(m * cols), w = rng.Floats(rows * cols);
            using var wb = new NativeBuffer(TestTensors.Encode(w, dtype));
            TcTensor wt = TestTensors.Native(wb, dtype, rows, cols);

            float[] reference;
            using (new IsaScope(NativeIsa.Scalar)) reference = MatMul(null, x, m, wt);
            foreach (NativeIsa isa in IsaScope.Supported())
                using (new IsaScope(isa))
                {
                    string what = $"{dtype} isa={isa} m={m} rows={rows} cols={cols}";
                    BitAssert.Equal(reference, MatMul(pool2, x, m, wt), what + " threads=2");
                    BitAssert.Equal(reference, MatMul(pool3, x, m, wt), what + " threads=3");
                    for (int t = 0; t < m; t++)  // each token alone gives its row of the batched result
                        BitAssert.Equal(reference.AsSpan(t * rows, rows), MatMul(null, x.AsSpan(t * cols, cols).ToArray(), 1, wt), what + $" token {t} alone");
                }
        }
    }

    [Test]
    public void AttentionMatchesFloat64AndIsBitwiseEqualAcrossIsas()
    {
        var rng = new TestRng(17);
        const int nq = 3, nkv = 9, heads = 4, kvHeads = 2, hd = 20;
        float[] q = rng.Floats(nq * heads * hd), k = rng.Floats(nkv * kvHeads * hd), v = rng.Floats(nkv * kvHeads * hd);
        var results = IsaScope.OnEach(() => { var o = new float[nq * heads * hd]; NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, o); return o; });
        foreach (var (isa, r) in results) BitAssert.Equal(results[0].Result, r, $"isa={isa}");

        float[] output = results[0].Result;
        for (int t = 0; t < nq; t++)
            for (int h = 0; h < heads; h++)
            {
                int pos = nkv - nq + t, kh = h / (heads / kvHeads);
                var s = new double[pos + 1];
                for (int j = 0; j <= pos; j++)
                {
                    for (int i = 0; i < hd; i++) s[j] += (double)q[(t * heads + h) * hd + i] * k[(j * kvHeads + kh) * hd + i];
                    s[j] /= Math.Sqrt(hd);
                }
                double max = s.Max(), sum = s.Sum(e => Math.Exp(e - max));
                for (int i = 0; i < hd; i++)
                {
                    double expected = 0;
                    for (int j = 0; j <= pos; j++) expected += Math.Exp(s[j] - max) / sum * v[(j * kvHeads + kh) * hd + i];
                    Assert.That(output[(t * heads + h) * hd + i], Is.EqualTo(expected).Within(1e-5));
                }
            }
    }

    private static float[] MatMul(NativeThreadPool? pool, float[] x, int m, TcTensor w)
    {
        var y = new float[m * w.Rows];
        NativeOps.MatMul(pool, x, m, w, null, y);
        return y;
    }
}
