namespace TensorCash.Engine.Model;

/// <summary>Per-layer weight views, in HF orientation ([out, in] for linear layers).</summary>
public sealed record LayerWeights(
    TensorView AttnNorm,
    TensorView Wq, TensorView Wk, TensorView Wv, TensorView Wo,
    TensorView? Bq, TensorView? Bk, TensorView? Bv,
    TensorView FfnNorm,
    TensorView WGate, TensorView WUp, TensorView WDown);

/// <summary>
/// A model's configuration plus views of all its weights, with the resources (memory maps, the
/// few buffers a loader had to materialise such as un-permuted GGUF Q/K rows) that keep them alive.
/// Q and K rows are always in HF "rotate-half" order here, whatever the file format stored.
/// </summary>
public sealed class ModelWeights : IDisposable
{
    private readonly List<IDisposable> _owned;

    public ModelConfig Config { get; }
    public TensorView TokenEmbedding { get; }
    public TensorView OutputNorm { get; }
    /// <summary>LM head; the same view as <see cref="TokenEmbedding"/> when embeddings are tied.</summary>
    public TensorView Output { get; }
    public IReadOnlyList<LayerWeights> Layers { get; }
    /// <summary>Where the weights came from (directory, .gguf file or "builtin:tiny").</summary>
    public string Source { get; }
    /// <summary>Files the weights were read from, for `model inspect`.</summary>
    public IReadOnlyList<string> Files { get; }

    public ModelWeights(ModelConfig config, TensorView tokenEmbedding, TensorView outputNorm, TensorView output,
        IReadOnlyList<LayerWeights> layers, string source, IReadOnlyList<string> files, IEnumerable<IDisposable> owned)
    {
        Config = config;
        TokenEmbedding = tokenEmbedding;
        OutputNorm = outputNorm;
        Output = output;
        Layers = layers;
        Source = source;
        Files = files;
        _owned = owned.ToList();
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
