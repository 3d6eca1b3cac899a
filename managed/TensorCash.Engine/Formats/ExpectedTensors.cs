using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>
/// The tensors (HF names and shapes) a model with a given configuration must have, produced lazily: a file that
/// claims a billion layers is refused at its first missing tensor instead of after listing them all (found by fuzzing).
/// </summary>
public static class ExpectedTensors
{
    public static IEnumerable<(string Name, long[] Shape)> For(ModelConfig c)
    {
        long d = c.ModelDim, q = (long)c.HeadCount * c.HeadDim, kv = (long)c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        yield return (HfTensorNames.TokenEmbedding, [c.VocabSize, d]);
        for (int i = 0; i < c.LayerCount; i++)
        {
            yield return (HfTensorNames.Layer(i, HfTensorNames.AttnNorm), [d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.Wq), [q, d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.Wk), [kv, d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.Wv), [kv, d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.Wo), [d, q]);
            if (c.AttentionBias)
            {
                yield return (HfTensorNames.Layer(i, HfTensorNames.Bq), [q]);
                yield return (HfTensorNames.Layer(i, HfTensorNames.Bk), [kv]);
                yield return (HfTensorNames.Layer(i, HfTensorNames.Bv), [kv]);
            }
            yield return (HfTensorNames.Layer(i, HfTensorNames.FfnNorm), [d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.WGate), [ff, d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.WUp), [ff, d]);
            yield return (HfTensorNames.Layer(i, HfTensorNames.WDown), [d, ff]);
        }
        yield return (HfTensorNames.OutputNorm, [d]);
        if (!c.TiedEmbeddings) yield return (HfTensorNames.Output, [c.VocabSize, d]);
    }
}
