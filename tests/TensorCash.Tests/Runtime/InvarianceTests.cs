using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Tests.Native;

namespace TensorCash.Tests.Runtime;

/// <summary>
/// The backend's central promise: a sequence's logits do not depend on its batch-mates, the thread count,
/// how its tokens were chunked (prefill, decode, mixtures) or the ISA - bit for bit.
/// </summary>
public class InvarianceTests
{
    private static readonly TestModelSpec Spec = new() { Heads = 4, KvHeads = 2, Bias = true, DType = TensorDType.BF16, Seed = 21 };

    [Test]
    public void ChunkingAndThreadCountDoNotChangeASingleBit()
    {
        using ModelWeights weights = TestModels.Build(Spec);
        var rng = new TestRng(22);
        int[] tokens = rng.Tokens(30, Spec.Vocab);
        float[] expected;
        using (Transformer one = Transformer.Create(weights, 1)) expected = ForwardRunner.Prefill(one, tokens);
        for (int threads = 1; threads <= 4; threads++)
        {
            using Transformer model = Transformer.Create(weights, threads);
            BitAssert.Equal(expected, ForwardRunner.Prefill(model, tokens), $"prefill, threads={threads}");
            BitAssert.Equal(expected, ForwardRunner.TokenByToken(model, tokens), $"token by token, threads={threads}");
            for (int trial = 0; trial < 3; trial++)
            {
                List<int> chunks = ForwardRunner.RandomChunks(rng, tokens.Length);
                BitAssert.Equal(expected, ForwardRunner.Chunked(model, tokens, chunks), $"chunks [{string.Join(",", chunks)}], threads={threads}");
            }
        }
    }

    [Test]
    public void RandomBatchesGiveEachSequenceItsSoloResult()
    {
        using ModelWeights weights = TestModels.Build(Spec);
        using Transformer model = Transformer.Create(weights, 2);
        var rng = new TestRng(23);
        int vocab = Spec.Vocab;
        for (int trial = 0; trial < 6; trial++)
        {
            int n = rng.Next(2, 5);
            int[][] prompts = Enumerable.Range(0, n).Select(_ => rng.Tokens(rng.Next(3, 20), vocab)).ToArray();
            float[][] solo = prompts.Select(p => ForwardRunner.Prefill(model, p)).ToArray();

            // Feed all sequences together, each in its own random chunking, one batched call per step.
            var sequences = prompts.Select(p => model.NewSequence(p.Length)).ToArray();
            var batched = prompts.Select(p => new float[p.Length * vocab]).ToArray();
            var chunks = prompts.Select(p => new Queue<int>(ForwardRunner.RandomChunks(rng, p.Length))).ToArray();
            try
            {
                while (chunks.Any(c => c.Count > 0))
                {
                    var requests = new List<ForwardRequest>();
                    for (int i = 0; i < n; i++)
                    {
                        if (chunks[i].Count == 0 || rng.Next(4) == 0) continue;  // sometimes sit a step out
                        int at = sequences[i].Length, size = chunks[i].Dequeue();
                        requests.Add(new ForwardRequest(sequences[i], prompts[i].AsMemory(at, size), LogitsMode.All, batched[i].AsMemory(at * vocab, size * vocab)));
                    }
                    model.Forward(requests.ToArray());
                }
            }
            finally
            {
                foreach (Sequence s in sequences) s.Dispose();
            }
            for (int i = 0; i < n; i++) BitAssert.Equal(solo[i], batched[i], $"trial {trial}, sequence {i} of {n}");
        }
    }

    [Test]
    public void ForwardIsBitwiseEqualAcrossIsas()
    {
        using ModelWeights weights = TestModels.Build(Spec with { DType = TensorDType.F32, ModelDim = 40, FeedForwardDim = 56, HeadDim = 10 });
        using Transformer model = Transformer.Create(weights, 2);
        int[] tokens = new TestRng(24).Tokens(17, Spec.Vocab);
        var results = IsaScope.OnEach(() => ForwardRunner.Chunked(model, tokens, [5, 1, 11]));
        Assert.That(results.Select(r => r.Isa), Does.Contain(NativeIsa.Scalar));
        foreach (var (isa, logits) in results) BitAssert.Equal(results[0].Result, logits, $"isa={isa}");
    }

    [Test]
    public void TruncateThenReplayReproducesTheSameLogits()
    {
        using ModelWeights weights = TestModels.Build(Spec);
        using Transformer model = Transformer.Create(weights, 2);
        int vocab = Spec.Vocab;
        int[] tokens = new TestRng(25).Tokens(12, vocab);
        using Sequence seq = model.NewSequence();
        var first = new float[tokens.Length * vocab];
        model.Forward([new ForwardRequest(seq, tokens, LogitsMode.All, first)]);
        seq.Truncate(5);
        Assert.That(seq.Length, Is.EqualTo(5));
        var replay = new float[7 * vocab];
        model.Forward([new ForwardRequest(seq, tokens.AsMemory(5), LogitsMode.All, replay)]);
        BitAssert.Equal(first.AsSpan(5 * vocab).ToArray(), replay, "bits");
    }

    [Test]
    public void LastModeAndHiddenAgreeWithAllMode()
    {
        using ModelWeights weights = TestModels.Build(Spec);
        using Transformer model = Transformer.Create(weights, 2);
        int vocab = Spec.Vocab, d = Spec.ModelDim;
        int[] tokens = new TestRng(26).Tokens(9, vocab);
        using Sequence a = model.NewSequence(), b = model.NewSequence();
        float[] all = new float[tokens.Length * vocab], allHidden = new float[tokens.Length * d];
        float[] last = new float[vocab], lastHidden = new float[d];
        model.Forward([
            new ForwardRequest(a, tokens, LogitsMode.All, all, allHidden),
            new ForwardRequest(b, tokens, LogitsMode.Last, last, lastHidden),
        ]);
        BitAssert.Equal(all.AsSpan((tokens.Length - 1) * vocab).ToArray(), last, "bits");
        BitAssert.Equal(allHidden.AsSpan((tokens.Length - 1) * d).ToArray(), lastHidden, "bits");
        Assert.That(lastHidden.Any(h => h != 0), "hidden state was written");
    }

    /// <summary>
    /// Rows mode returns exactly the All-mode logits of the listed rows, and the rows nobody asked for (which stop
    /// after the last layer's K/V projections) still leave a cache that later calls read bit-exactly, whatever
    /// their batch-mates asked for.
    /// </summary>
    [Test]
    public void RowsModeAndRowsWithoutLogitsLeaveEveryBitInPlace()
    {
        using ModelWeights weights = TestModels.Build(Spec);
        using Transformer model = Transformer.Create(weights, 2);
        int vocab = Spec.Vocab, d = Spec.ModelDim;
        int[] tokens = new TestRng(27).Tokens(14, vocab);
        float[] expected, expectedHidden = new float[tokens.Length * d];
        using (Sequence reference = model.NewSequence())
        {
            expected = new float[tokens.Length * vocab];
            model.Forward([new ForwardRequest(reference, tokens, LogitsMode.All, expected, expectedHidden)]);
        }
        float[] Row(float[] all, int row, int width) => all.AsSpan(row * width, width).ToArray();

        int[] wanted = [0, 4, 5, 11];
        using Sequence rows = model.NewSequence(), none = model.NewSequence(), empty = model.NewSequence(), all = model.NewSequence();
        float[] rowsLogits = new float[wanted.Length * vocab], rowsHidden = new float[wanted.Length * d], allLogits = new float[11 * vocab];
        model.Forward([
            new ForwardRequest(none, tokens.AsMemory(0, 11), LogitsMode.None, default),
            new ForwardRequest(rows, tokens.AsMemory(0, 12), LogitsMode.Rows, rowsLogits, rowsHidden, wanted),
            new ForwardRequest(empty, tokens.AsMemory(0, 9), LogitsMode.Rows, default, default, Array.Empty<int>()),
            new ForwardRequest(all, tokens.AsMemory(0, 11), LogitsMode.All, allLogits),
        ]);
        for (int j = 0; j < wanted.Length; j++)
        {
            BitAssert.Equal(Row(expected, wanted[j], vocab), Row(rowsLogits, j, vocab), $"logits of row {wanted[j]}");
            BitAssert.Equal(Row(expectedHidden, wanted[j], d), Row(rowsHidden, j, d), $"hidden of row {wanted[j]}");
        }
        BitAssert.Equal(expected.AsSpan(0, 11 * vocab).ToArray(), allLogits, "All-mode batch-mate");

        // Each cache continues to the end; the continuation's logits depend on every cached key and value.
        foreach (Sequence seq in new[] { rows, none, empty, all })
        {
            int at = seq.Length;
            var rest = new float[(tokens.Length - at) * vocab];
            model.Forward([new ForwardRequest(seq, tokens.AsMemory(at), LogitsMode.All, rest)]);
            BitAssert.Equal(expected.AsSpan(at * vocab).ToArray(), rest, $"continuation after {at} cached tokens");
        }
    }
}
