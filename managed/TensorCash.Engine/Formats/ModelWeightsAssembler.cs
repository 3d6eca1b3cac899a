using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>
/// Builds <see cref="ModelWeights"/> from any tensor source, checking that every tensor the configuration
/// requires is present with the right shape, so format readers only have to produce views.
/// </summary>
public static class ModelWeightsAssembler
{
    public static ModelWeights Assemble(ModelConfig config, ITensorSource source, string origin,
        IReadOnlyList<string> files, IEnumerable<IDisposable> owned)
    {
        var views = new Dictionary<string, TensorView>();
        foreach (var (name, shape) in ExpectedTensors.For(config))
        {
            var view = source.Find(name)
                ?? throw new ModelFormatException(source.FileOf(name), source.StoredName(name), "missing tensor");
            if (!view.Shape.SequenceEqual(shape))
                throw new ModelFormatException(source.FileOf(name), source.StoredName(name),
                    $"shape mismatch: file has [{string.Join(", ", view.Shape)}], the configuration needs [{string.Join(", ", shape)}]");
            views[name] = view;
        }

        TensorView Layer(int i, string suffix) => views[HfTensorNames.Layer(i, suffix)];
        TensorView? Bias(int i, string suffix) => config.AttentionBias ? Layer(i, suffix) : null;
        var layers = Enumerable.Range(0, config.LayerCount).Select(i => new LayerWeights(
            Layer(i, HfTensorNames.AttnNorm),
            Layer(i, HfTensorNames.Wq), Layer(i, HfTensorNames.Wk), Layer(i, HfTensorNames.Wv), Layer(i, HfTensorNames.Wo),
            Bias(i, HfTensorNames.Bq), Bias(i, HfTensorNames.Bk), Bias(i, HfTensorNames.Bv),
            Layer(i, HfTensorNames.FfnNorm),
            Layer(i, HfTensorNames.WGate), Layer(i, HfTensorNames.WUp), Layer(i, HfTensorNames.WDown))).ToList();

        var embedding = views[HfTensorNames.TokenEmbedding];
        var output = config.TiedEmbeddings ? embedding : views[HfTensorNames.Output];
        return new ModelWeights(config, embedding, views[HfTensorNames.OutputNorm], output, layers, origin, files, owned);
    }
}
