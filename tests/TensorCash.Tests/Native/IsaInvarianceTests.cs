using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;
using NativeLibrary = TensorCash.Interop.NativeLibrary;

namespace TensorCash.Tests.Native;

/// <summary>
/// Scalar, AVX2 and AVX-512 on the same inputs, compared bit for bit: tails with n % 16 != 0, underflowing products,
/// signed zeros, NaN and infinities, every weight dtype, every matmul tile (4x6, its 3/2/1-token leftovers, single rows,
/// k blocks) and a whole forward pass. Skipped where the CPU (or OS) cannot run AVX-512; the other ISAs are compared
/// by KernelTests and InvarianceTests everywhere.
/// </summary>
public class IsaInvarianceTests
{
    private static readonly NativeIsa[] All = [NativeIsa.Scalar, NativeIsa.Avx2, NativeIsa.Avx512];
    private static readonly TensorDType[] AllDTypes = [TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0];

    [SetUp]
    public void RequireAvx512()
    {
        if (!NativeLibrary.IsSupported(NativeIsa.Avx512))
            Assert.Ignore("this CPU, OS or build cannot run the AVX-512 kernels (cpuid AVX-512 F/BW/VL/DQ and XCR0 opmask/zmm state)");
    }

    private static List<float[]> OnAll(Func<float[]> compute)
    {
        var results = new List<float[]>();
        foreach (NativeIsa isa in All)
            using (new IsaScope(isa))
            {
                Assert.That(NativeLibrary.ActiveIsa, Is.EqualTo(isa));
                results.Add(compute());
            }
        return results;
    }

    private static void AllEqual(List<float[]> results, string what)
    {
        for (int i = 1; i < results.Count; i++) BitAssert.Equal(results[0], results[i], $"{what}: {All[i]} vs scalar");
    }

    /// <summary>Mixed magnitudes: normal, underflowing, signed zeros; optionally NaN and infinities.</summary>
    private static float[] Awkward(TestRng rng, int n, bool specials)
    {
        float[] tiny = BitAssert.Underflowing(rng, n), normal = rng.Floats(n, 4);
        var values = new float[n];
        for (int i = 0; i < n; i++)
            values[i] = rng.Next(specials ? 20 : 16) switch
            {
                < 9 => normal[i],
                < 16 => tiny[i],
                16 => float.NaN,
                17 => float.PositiveInfinity,
                18 => float.NegativeInfinity,
                _ => -0f,
            };
        return values;
    }

    [Test]
    public void DotTailsUnderflowAndSignedZeros()
    {
        var rng = new TestRng(91);
        for (int n = 0; n <= 80; n++)
            for (int trial = 0; trial < 4; trial++)
            {
                float[] x = trial == 0 ? Enumerable.Repeat(-1e-30f, n).ToArray() : Awkward(rng, n, specials: trial == 3);
                float[] y = trial == 0 ? Enumerable.Repeat(1e-30f, n).ToArray() : Awkward(rng, n, specials: false);
                var results = OnAll(() => [NativeOps.Dot(x, y)]);
                AllEqual(results, $"n={n} trial={trial}");
                BitAssert.Equal(Dot16.Compute(x, y), results[0][0], $"n={n} trial={trial}: header definition");
            }
    }

    [Test]
    public void ElementwiseOpsOnSpecialValues()
    {
        var rng = new TestRng(92);
        foreach (int n in new[] { 1, 15, 16, 17, 33, 1000 })
        {
            float[] x = Awkward(rng, n, specials: true).Select((v, i) => i % 5 == 0 ? v * 30 : v).ToArray();
            float[] u = Awkward(rng, n, specials: true);
            var wf = rng.Floats(n, 2);
            using var wb = new NativeBuffer(TestTensors.Encode(wf, TensorDType.F32));
            var rmsIn = Awkward(rng, 3 * n, specials: false);
            AllEqual(OnAll(() =>
            {
                var e = new float[n];
                var s = new float[n];
                var r = new float[3 * n];
                NativeOps.Exp(x, e);
                NativeOps.SwiGlu(x, u, s);
                NativeOps.RmsNorm(rmsIn, 3, n, TestTensors.Native(wb, TensorDType.F32, 1, n), 1e-6f, r);
                return [.. e, .. s, .. r];
            }), $"exp/swiglu/rmsnorm n={n}");
        }
    }

    [TestCaseSource(nameof(AllDTypes))]
    public void MatMulEveryTileAndTail(TensorDType dtype)
    {
        var rng = new TestRng(93 + (ulong)dtype);
        using var pool = NativeThreadPool.Create(2);
        foreach (int m in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 13 })
            foreach (bool longRows in new[] { false, true })
            {
                int rows = rng.Next(1, 50);
                int cols = dtype == TensorDType.Q8_0 ? 32 * (longRows ? rng.Next(33, 40) : rng.Next(1, 5))
                                                     : longRows ? rng.Next(1025, 1300) : rng.Next(1, 100);
                float[] x = Awkward(rng, m * cols, specials: false);
                float[] w = rng.Next(2) == 0 ? rng.Floats(rows * cols) : BitAssert.Underflowing(rng, rows * cols).Select(v => v * 1e15f).ToArray();
                float[] b = rng.Floats(rows);
                using var wb = new NativeBuffer(TestTensors.Encode(w, dtype));
                using var bb = new NativeBuffer(TestTensors.Encode(b, TensorDType.F32));
                TcTensor wt = TestTensors.Native(wb, dtype, rows, cols), bt = TestTensors.Native(bb, TensorDType.F32, 1, rows);
                AllEqual(OnAll(() =>
                {
                    var y1 = new float[m * rows];
                    var y2 = new float[m * rows];
                    NativeOps.MatMul(null, x, m, wt, bt, y1);
                    NativeOps.MatMul(pool, x, m, wt, null, y2);
                    return [.. y1, .. y2];
                }), $"{dtype} m={m} rows={rows} cols={cols}");
            }
    }

    [Test]
    public void AttentionHeadDimsAndKeyCounts()
    {
        var rng = new TestRng(94);
        foreach (int hd in new[] { 2, 16, 20, 64, 80, 128, 130 })
            foreach (int nkv in new[] { 1, 15, 16, 17, 40 })
            {
                int nq = Math.Min(nkv, 3);
                const int heads = 4, kvHeads = 2;
                float[] q = Awkward(rng, nq * heads * hd, false), k = Awkward(rng, nkv * kvHeads * hd, false), v = Awkward(rng, nkv * kvHeads * hd, false);
                AllEqual(OnAll(() =>
                {
                    var o = new float[nq * heads * hd];
                    NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, o);
                    return o;
                }), $"head_dim={hd} n_kv={nkv}");
            }
    }

    [Test]
    public void SlidingWindowAttentionAndForward()
    {
        var rng = new TestRng(97);
        foreach (int hd in new[] { 16, 20, 130 })
            foreach (int window in new[] { 1, 4, 17 })
            {
                const int nkv = 40, nq = 9, heads = 4, kvHeads = 2;
                float[] q = Awkward(rng, nq * heads * hd, false), k = Awkward(rng, nkv * kvHeads * hd, false), v = Awkward(rng, nkv * kvHeads * hd, false);
                AllEqual(OnAll(() =>
                {
                    var o = new float[nq * heads * hd];
                    NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, o, window);
                    return o;
                }), $"head_dim={hd} window={window}");
            }

        var spec = new TestModelSpec { Heads = 4, KvHeads = 2, HeadDim = 20, ModelDim = 96, FeedForwardDim = 160, SlidingWindow = 6, DType = TensorDType.BF16, Seed = 98 };
        using ModelWeights weights = TestModels.Build(spec);
        using Transformer model = Transformer.Create(weights, 2);
        int[] tokens = new TestRng(99).Tokens(29, spec.Vocab);
        AllEqual(OnAll(() => ForwardRunner.Chunked(model, tokens, [13, 1, 1, 14])), "sliding-window forward");
    }

    [TestCaseSource(nameof(AllDTypes))]
    public void ForwardPassPrefillAndDecode(TensorDType dtype)
    {
        var spec = new TestModelSpec { Heads = 4, KvHeads = 2, HeadDim = 20, ModelDim = 96, FeedForwardDim = 160, Bias = true, DType = dtype, Seed = 95 };
        using ModelWeights weights = TestModels.Build(spec);
        using Transformer model = Transformer.Create(weights, 2);
        int[] tokens = new TestRng(96).Tokens(23, spec.Vocab);
        AllEqual(OnAll(() => ForwardRunner.Chunked(model, tokens, [13, 1, 1, 8])), $"{dtype} forward");
    }
}
