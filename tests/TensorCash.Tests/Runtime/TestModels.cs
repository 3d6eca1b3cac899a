using TensorCash.Engine.Model;

namespace TensorCash.Tests.Runtime;

/// <summary>Shape and options of a small random model built in-test.</summary>
public sealed record TestModelSpec
{
    public int Layers { get; init; } = 2;
    public int ModelDim { get; init; } = 64;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    public int HeadDim { get; init; } = 16;
    public int FeedForwardDim { get; init; } = 96;
    public int Vocab { get; init; } = 67;
    public int MaxSeq { get; init; } = 64;
    public TensorDType DType { get; init; } = TensorDType.F32;
    public bool Tied { get; init; }
    public bool Bias { get; init; }
    public double RopeTheta { get; init; } = 10000;
    public Llama3RopeScaling? RopeScaling { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Mistral's sliding window; set = a Mistral model.</summary>
    public int? SlidingWindow { get; init; }

    public override string ToString() =>
        $"L{Layers} d{ModelDim} h{Heads}/{KvHeads}x{HeadDim} ff{FeedForwardDim} v{Vocab} {DType}{(Tied ? " tied" : "")}{(Bias ? " bias" : "")} theta{RopeTheta}{(RopeScaling is null ? "" : " llama3")}{(SlidingWindow is { } w ? $" window{w}" : "")}";
}

/// <summary>Builds random <see cref="ModelWeights"/> in unmanaged memory that the weights object owns.</summary>
public static class TestModels
{
    public static ModelWeights Build(TestModelSpec s)
    {
        var rng = new TestRng(s.Seed);
        var owned = new List<IDisposable>();
        // Every tensor, norms and biases included, uses the model dtype so the widening of each tensor kind is
        // exercised; Q8_0 falls back to F32 where a row is not whole 32-element blocks.
        TensorView Tensor(string name, int rows, int cols, float scale, float offset = 0, bool vector = false)
        {
            float[] values = rng.Floats(rows * cols, scale);
            if (offset != 0) for (int i = 0; i < values.Length; i++) values[i] += offset;
            TensorDType dtype = s.DType == TensorDType.Q8_0 && cols % 32 != 0 ? TensorDType.F32 : s.DType;
            var buffer = new NativeBuffer(TestTensors.Encode(values, dtype));
            owned.Add(buffer);
            return vector ? TestTensors.View(name, buffer, dtype, cols) : TestTensors.View(name, buffer, dtype, rows, cols);
        }

        int d = s.ModelDim, q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        TensorView embedding = Tensor("token_embd", s.Vocab, d, 1f);
        var layers = new List<LayerWeights>();
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"blk.{l}.";
            layers.Add(new LayerWeights(
                Tensor(p + "attn_norm", 1, d, 0.2f, 1f, vector: true),
                Tensor(p + "wq", q, d, 2f / MathF.Sqrt(d)), Tensor(p + "wk", kv, d, 2f / MathF.Sqrt(d)),
                Tensor(p + "wv", kv, d, 2f / MathF.Sqrt(d)), Tensor(p + "wo", d, q, 1f / MathF.Sqrt(q)),
                s.Bias ? Tensor(p + "bq", 1, q, 0.5f, vector: true) : null,
                s.Bias ? Tensor(p + "bk", 1, kv, 0.5f, vector: true) : null,
                s.Bias ? Tensor(p + "bv", 1, kv, 0.5f, vector: true) : null,
                Tensor(p + "ffn_norm", 1, d, 0.2f, 1f, vector: true),
                Tensor(p + "w_gate", s.FeedForwardDim, d, 2f / MathF.Sqrt(d)), Tensor(p + "w_up", s.FeedForwardDim, d, 2f / MathF.Sqrt(d)),
                Tensor(p + "w_down", d, s.FeedForwardDim, 1f / MathF.Sqrt(s.FeedForwardDim))));
        }
        TensorView outputNorm = Tensor("output_norm", 1, d, 0.2f, 1f, vector: true);
        TensorView output = s.Tied ? embedding : Tensor("output", s.Vocab, d, 2f / MathF.Sqrt(d));
        var config = new ModelConfig
        {
            Architecture = s.Bias ? ModelArchitecture.Qwen2 : s.SlidingWindow is null ? ModelArchitecture.Llama : ModelArchitecture.Mistral,
            LayerCount = s.Layers, ModelDim = d, HeadCount = s.Heads, KvHeadCount = s.KvHeads, HeadDim = s.HeadDim,
            FeedForwardDim = s.FeedForwardDim, VocabSize = s.Vocab, MaxSequenceLength = s.MaxSeq, RmsNormEps = 1e-5f,
            RopeTheta = s.RopeTheta, RopeScaling = s.RopeScaling, TiedEmbeddings = s.Tied, AttentionBias = s.Bias,
            SlidingWindow = s.SlidingWindow,
        };
        return new ModelWeights(config, embedding, outputNorm, output, layers, "test:" + s, [], owned);
    }
}
