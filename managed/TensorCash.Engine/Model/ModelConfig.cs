namespace TensorCash.Engine.Model;

/// <summary>Architectures the engine runs. All are Llama-shaped decoders; they differ in details.</summary>
public enum ModelArchitecture
{
    Llama,   // Llama 2/3/3.x (and the builtin model)
    Mistral, // Llama layout, own config keys
    Qwen2,   // Llama layout plus q/k/v biases
}

/// <summary>Llama 3.1+ "llama3" rope_scaling block (HF config.json / GGUF rope.scaling.*).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>
/// Hyper-parameters of a loaded model, normalised across formats (HF config.json, GGUF metadata, builtin).
/// </summary>
public sealed record ModelConfig
{
    public required ModelArchitecture Architecture { get; init; }
    public required int LayerCount { get; init; }
    public required int ModelDim { get; init; }
    public required int HeadCount { get; init; }
    public required int KvHeadCount { get; init; }
    public required int HeadDim { get; init; }
    public required int FeedForwardDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxSequenceLength { get; init; }
    public required float RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    public Llama3RopeScaling? RopeScaling { get; init; }
    public bool TiedEmbeddings { get; init; }
    public bool AttentionBias { get; init; }
    /// <summary>
    /// Mistral's sliding-window attention: a query at position p attends only to positions p - W + 1 .. p (W positions,
    /// itself included; Hugging Face's mask kv_idx &gt; q_idx - sliding_window). Null = full causal attention. Loaders
    /// accept only W &gt;= 1 (<see cref="ValidSlidingWindow"/>).
    /// </summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Whether <paramref name="window"/> is a usable sliding window (null = none, else at least one position).</summary>
    public static bool ValidSlidingWindow(int? window) => window is null or >= 1;
}
