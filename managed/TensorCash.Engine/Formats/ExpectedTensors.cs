using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>The tensors (HF names and shapes) a model with a given configuration must have.</summary>
public static class ExpectedTensors
{
    public static IReadOnlyList<(string Name, long[] Shape)> For(ModelConfig c)
    {
        long d = c.ModelDim, q = (long)c.HeadCount * c.HeadDim, kv = (long)c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        var list = new List<(string, long[])> { (HfTensorNames.TokenEmbedding, [c.VocabSize, d]) };
        for (int i = 0; i < c.LayerCount; i++)
        {
            list.Add((HfTensorNames.Layer(i, HfTensorNames.AttnNorm), [d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.Wq), [q, d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.Wk), [kv, d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.Wv), [kv, d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.Wo), [d, q]));
            if (c.AttentionBias)
            {
                list.Add((HfTensorNames.Layer(i, HfTensorNames.Bq), [q]));
                list.Add((HfTensorNames.Layer(i, HfTensorNames.Bk), [kv]));
                list.Add((HfTensorNames.Layer(i, HfTensorNames.Bv), [kv]));
            }
            list.Add((HfTensorNames.Layer(i, HfTensorNames.FfnNorm), [d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.WGate), [ff, d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.WUp), [ff, d]));
            list.Add((HfTensorNames.Layer(i, HfTensorNames.WDown), [d, ff]));
        }
        list.Add((HfTensorNames.OutputNorm, [d]));
        if (!c.TiedEmbeddings) list.Add((HfTensorNames.Output, [c.VocabSize, d]));
        return list;
    }
}
