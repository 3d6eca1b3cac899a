using TensorCash.Engine.Model;

namespace TensorCash.Engine.Builtin;

/// <summary>Shape and seed of a random test model. Defaults give a small Llama-shaped model.</summary>
public sealed record RandomModelSpec
{
    public ModelArchitecture Architecture { get; init; } = ModelArchitecture.Llama;
    public int Layers { get; init; } = 2;
    public int ModelDim { get; init; } = 64;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    /// <summary>0 = ModelDim / Heads.</summary>
    public int HeadDim { get; init; }
    public int FeedForwardDim { get; init; } = 160;
    public int VocabSize { get; init; } = 264;
    public int MaxSequenceLength { get; init; } = 2048;
    public double RopeTheta { get; init; } = 10000;
    public Llama3RopeScaling? RopeScaling { get; init; }
    public float RmsNormEps { get; init; } = 1e-5f;
    public bool TiedEmbeddings { get; init; }
    /// <summary>q/k/v biases; always on for Qwen2.</summary>
    public bool AttentionBias { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Mistral's sliding window (positions a query attends to, itself included); null = none.</summary>
    public int? SlidingWindow { get; init; }

    public ModelConfig ToConfig() => new()
    {
        Architecture = Architecture,
        LayerCount = Layers,
        ModelDim = ModelDim,
        HeadCount = Heads,
        KvHeadCount = KvHeads,
        HeadDim = HeadDim > 0 ? HeadDim : ModelDim / Heads,
        FeedForwardDim = FeedForwardDim,
        VocabSize = VocabSize,
        MaxSequenceLength = MaxSequenceLength,
        RmsNormEps = RmsNormEps,
        RopeTheta = RopeTheta,
        RopeScaling = RopeScaling,
        TiedEmbeddings = TiedEmbeddings,
        AttentionBias = AttentionBias || Architecture == ModelArchitecture.Qwen2,
        SlidingWindow = SlidingWindow,
    };
}
