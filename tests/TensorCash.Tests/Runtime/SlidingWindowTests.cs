using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Tests.Native;

namespace TensorCash.Tests.Runtime;

/// <summary>
/// Mistral's sliding-window attention (a query at p sees keys p - W + 1 .. p): the native forward against the float64
/// reference, against itself without a window, and under every batch, chunking and thread count.
/// </summary>
public class SlidingWindowTests
{
    private const int Tokens = 40;

    private static IEnumerable<TestModelSpec> WindowedSpecs()
    {
        yield return new TestModelSpec { SlidingWindow = 4, Heads = 4, KvHeads = 2, Seed = 31 };
        yield return new TestModelSpec { SlidingWindow = 8, Heads = 8, KvHeads = 2, HeadDim = 8, RopeTheta = 1000000, Seed = 32 };
        yield return new TestModelSpec { SlidingWindow = 1, Seed = 33 }; // a query sees only itself
        yield return new TestModelSpec { SlidingWindow = 5, DType = TensorDType.BF16, Tied = true, Seed = 34 };
        yield return new TestModelSpec { SlidingWindow = 7, DType = TensorDType.Q8_0, HeadDim = 32, Heads = 2, KvHeads = 1, Seed = 35 };
    }

    /// <summary>The same tolerance as ReferenceAgreementTests: 2e-5 of the largest logit (at least 1).</summary>
    [TestCaseSource(nameof(WindowedSpecs))]
    public void NativeLogitsMatchFloat64ReferenceBeyondTheWindow(TestModelSpec spec)
    {
        using ModelWeights weights = TestModels.Build(spec);
        Assert.That(weights.Config.Architecture, Is.EqualTo(ModelArchitecture.Mistral));
        ReferenceAgreement.AssertNativeMatchesReference(weights, new TestRng(spec.Seed + 100).Tokens(Tokens, spec.Vocab), spec.ToString());
    }

    /// <summary>
    /// The reference with the window and without it differ beyond the window by far more than the agreement tolerance,
    /// so the agreement above could not hold if either side ignored the window.
    /// </summary>
    [Test]
    public void ReferenceWithTheWindowIsFarFromTheReferenceWithout()
    {
        var spec = new TestModelSpec { SlidingWindow = 4, Seed = 31, Heads = 4, KvHeads = 2 };
        using ModelWeights windowed = TestModels.Build(spec), full = TestModels.Build(spec with { SlidingWindow = null });
        int[] tokens = new TestRng(spec.Seed + 100).Tokens(Tokens, spec.Vocab);
        double[,] a = new ReferenceTransformer(windowed).Forward(tokens), b = new ReferenceTransformer(full).Forward(tokens);
        for (int t = 0; t < Tokens; t++)
        {
            double diff = Enumerable.Range(0, spec.Vocab).Max(v => Math.Abs(a[t, v] - b[t, v]));
            if (t < 4) Assert.That(diff, Is.Zero, $"position {t} is inside the window");
            else Assert.That(diff, Is.GreaterThan(1e-3), $"position {t} is beyond the window");
        }
    }

    [TestCase(Tokens)]      // window == sequence length
    [TestCase(Tokens + 1)]
    [TestCase(4096)]        // Mistral 7B v0.1's window, far beyond the sequence
    public void WindowCoveringTheSequenceIsBitwiseNoWindow(int window)
    {
        var spec = new TestModelSpec { SlidingWindow = window, Seed = 36, MaxSeq = 64 };
        using ModelWeights windowed = TestModels.Build(spec), full = TestModels.Build(spec with { SlidingWindow = null });
        using Transformer a = Transformer.Create(windowed, 2), b = Transformer.Create(full, 2);
        int[] tokens = new TestRng(37).Tokens(Tokens, spec.Vocab);
        BitAssert.Equal(ForwardRunner.Prefill(b, tokens), ForwardRunner.Prefill(a, tokens), $"window {window} over {Tokens} tokens");
    }

    /// <summary>Positions before W see every key either way (bitwise equal); every position from W on must change.</summary>
    [TestCase(4)]
    [TestCase(8)]
    public void WindowChangesExactlyThePositionsBeyondIt(int window)
    {
        var spec = new TestModelSpec { SlidingWindow = window, Seed = 38 };
        using ModelWeights windowed = TestModels.Build(spec), full = TestModels.Build(spec with { SlidingWindow = null });
        using Transformer a = Transformer.Create(windowed, 2), b = Transformer.Create(full, 2);
        int[] tokens = new TestRng(39).Tokens(30, spec.Vocab);
        float[] withWindow = ForwardRunner.Prefill(a, tokens), without = ForwardRunner.Prefill(b, tokens);
        int vocab = spec.Vocab;
        for (int t = 0; t < tokens.Length; t++)
        {
            var rowA = withWindow.AsSpan(t * vocab, vocab);
            var rowB = without.AsSpan(t * vocab, vocab);
            if (t < window) BitAssert.Equal(rowB, rowA, $"position {t} < window {window}");
            else Assert.That(BitAssert.Same(rowA, rowB), Is.False, $"position {t} >= window {window}: the window was ignored");
        }
    }

    [Test]
    public void PrefillTokenByTokenChunksBatchesAndThreadsAreBitwiseEqual()
    {
        var spec = new TestModelSpec { SlidingWindow = 5, Heads = 4, KvHeads = 2, Seed = 40 };
        using ModelWeights weights = TestModels.Build(spec);
        using Transformer one = Transformer.Create(weights, 1), three = Transformer.Create(weights, 3);
        var rng = new TestRng(41);
        int[] tokens = rng.Tokens(37, spec.Vocab);
        float[] expected = ForwardRunner.Prefill(one, tokens);
        BitAssert.Equal(expected, ForwardRunner.Prefill(three, tokens), "prefill, 3 threads");
        BitAssert.Equal(expected, ForwardRunner.TokenByToken(one, tokens), "token by token");
        BitAssert.Equal(expected, ForwardRunner.TokenByToken(three, tokens), "token by token, 3 threads");
        BitAssert.Equal(expected, ForwardRunner.Chunked(three, tokens, [4, 1, 5, 6, 20, 1]), "chunks straddling the window");
        for (int trial = 0; trial < 4; trial++)
        {
            List<int> chunks = ForwardRunner.RandomChunks(rng, tokens.Length);
            BitAssert.Equal(expected, ForwardRunner.Chunked(trial % 2 == 0 ? one : three, tokens, chunks), $"chunks {string.Join(",", chunks)}");
        }

        // In one batched call beside sequences at other positions (some inside their window, some beyond it).
        int vocab = spec.Vocab;
        int[] other = rng.Tokens(23, spec.Vocab), short1 = rng.Tokens(3, spec.Vocab);
        using Sequence s = three.NewSequence(tokens.Length), o = three.NewSequence(other.Length), sh = three.NewSequence(short1.Length);
        var batched = new float[tokens.Length * vocab];
        var otherLogits = new float[other.Length * vocab];
        var shortLogits = new float[short1.Length * vocab];
        three.Forward([new ForwardRequest(o, other.AsMemory(0, 9), LogitsMode.All, otherLogits.AsMemory(0, 9 * vocab))]);
        three.Forward([
            new ForwardRequest(s, tokens.AsMemory(0, 30), LogitsMode.All, batched.AsMemory(0, 30 * vocab)),
            new ForwardRequest(o, other.AsMemory(9), LogitsMode.All, otherLogits.AsMemory(9 * vocab)),
            new ForwardRequest(sh, short1, LogitsMode.All, shortLogits),
        ]);
        three.Forward([new ForwardRequest(s, tokens.AsMemory(30), LogitsMode.All, batched.AsMemory(30 * vocab))]);
        BitAssert.Equal(expected, batched, "batched with other sequences");
        BitAssert.Equal(ForwardRunner.Prefill(one, other), otherLogits, "batch-mate");
        BitAssert.Equal(ForwardRunner.Prefill(one, short1), shortLogits, "short batch-mate");
    }

    /// <summary>tc_op_attention with a window equals plain causal attention over just the window's keys.</summary>
    [Test]
    public void AttentionOpWindowEqualsAttentionOverTheWindowKeys()
    {
        var rng = new TestRng(42);
        const int heads = 4, kvHeads = 2, hd = 20, nkv = 19, nq = 6;
        int qd = heads * hd, kvd = kvHeads * hd;
        float[] q = rng.Floats(nq * qd, 2), k = rng.Floats(nkv * kvd, 2), v = rng.Floats(nkv * kvd);
        foreach (int window in new[] { 1, 3, 13, 14, 19, 50 })
        {
            var windowed = new float[nq * qd];
            NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, windowed, window);
            for (int t = 0; t < nq; t++)
            {
                int pos = nkv - nq + t, first = Math.Max(0, pos - window + 1), n = pos + 1 - first;
                var alone = new float[qd];
                NativeOps.Attention(null, q.AsSpan(t * qd, qd), 1, k.AsSpan(first * kvd, n * kvd), v.AsSpan(first * kvd, n * kvd), n,
                    heads, kvHeads, hd, alone);
                BitAssert.Equal(alone, windowed.AsSpan(t * qd, qd), $"window {window}, query at {pos}");
            }
        }
        var full = new float[nq * qd];
        var none = new float[nq * qd];
        NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, full, nkv);
        NativeOps.Attention(null, q, nq, k, v, nkv, heads, kvHeads, hd, none);
        BitAssert.Equal(none, full, "window >= every position is no window");
    }

    /// <summary>
    /// ModelIdentity V2 does not commit to the window: a window that can mask something has no id (else one id would
    /// cover two functions); one at least the context gets the unwindowed model's id, as it computes the same logits.
    /// </summary>
    [Test]
    public void ModelIdentityRefusesAWindowShorterThanTheContext()
    {
        var spec = new TestModelSpec { SlidingWindow = 8, MaxSeq = 64, Seed = 43 };
        using ModelWeights windowed = TestModels.Build(spec), covering = TestModels.Build(spec with { SlidingWindow = 64 });
        var e = Assert.Throws<ModelFormatException>(() => TensorCash.Proving.ModelIdentity.Compute(windowed))!;
        Assert.That(e.Message, Does.Contain("sliding window 8 is shorter than the context (64)"));
        // The same Mistral tensors without a window (the views are shared; the copy owns nothing).
        using var full = new ModelWeights(covering.Config with { SlidingWindow = null }, covering.TokenEmbedding, covering.OutputNorm,
            covering.Output, covering.Layers, covering.Source, [], []);
        Assert.That(TensorCash.Proving.ModelIdentity.Compute(covering).Id, Is.EqualTo(TensorCash.Proving.ModelIdentity.Compute(full).Id));
    }

    [Test]
    public void NegativeWindowIsRejectedByTheOpTheModelAndTheReference()
    {
        Assert.That(() => NativeOps.Attention(null, new float[8], 1, new float[8], new float[8], 1, 1, 1, 8, new float[8], -1),
            Throws.TypeOf<NativeException>().With.Message.Contains("sliding_window must be >= 0"));
        using var raw = RawModel.Small();
        Assert.That(() => raw.Create(c => c with { SlidingWindow = -3 }).Dispose(),
            Throws.TypeOf<NativeException>().With.Message.Contains("sliding_window must be >= 0 (0 = none), got -3"));
        Assert.That(() => raw.Create(c => c with { Reserved2 = 5 }).Dispose(),
            Throws.TypeOf<NativeException>().With.Message.Contains("config reserved_2 must be 0, got 5"));
        using (raw.Create(c => c with { SlidingWindow = 7 })) { }

        using ModelWeights zero = TestModels.Build(new TestModelSpec { SlidingWindow = 0 });
        Assert.That(() => Transformer.Create(zero, 1), Throws.ArgumentException.With.Message.Contains("sliding window 0"));
        Assert.That(() => new ReferenceTransformer(zero), Throws.ArgumentException.With.Message.Contains("sliding window 0"));
    }
}
