using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>What `model inspect` prints about a loaded model.</summary>
public sealed record ModelInspection(
    string Source,
    ModelArchitecture Architecture,
    ModelConfig Config,
    long ParameterCount,
    /// <summary>Parameters stored in each element type.</summary>
    IReadOnlyDictionary<TensorDType, long> ParametersByDType,
    long WeightBytes,
    /// <summary>2 x (parameters of every matrix multiplied per token: attention, MLP, LM head).</summary>
    long MatmulFlopsPerToken,
    /// <summary>Extra FLOPs per token per position attended: 4 x layers x heads x head_dim (QK^T and AV).</summary>
    long AttentionFlopsPerPosition,
    IReadOnlyList<(string Path, long Bytes)> Files,
    bool TiedEmbeddings,
    double RopeTheta,
    Llama3RopeScaling? RopeScaling)
{
    /// <summary>
    /// FLOPs to process one token at 0-based position p: matmuls plus attention over p + 1 keys, or over the last
    /// <see cref="ModelConfig.SlidingWindow"/> of them under a sliding window.
    /// </summary>
    public long FlopsPerToken(int position) =>
        MatmulFlopsPerToken + AttentionFlopsPerPosition * Math.Min(position + 1L, Config.SlidingWindow ?? long.MaxValue);
}

public static class ModelInspector
{
    public static ModelInspection Inspect(ModelWeights weights)
    {
        var c = weights.Config;
        var unique = new List<TensorView> { weights.TokenEmbedding, weights.OutputNorm };
        if (!c.TiedEmbeddings) unique.Add(weights.Output);
        foreach (var l in weights.Layers)
        {
            unique.AddRange([l.AttnNorm, l.Wq, l.Wk, l.Wv, l.Wo, l.FfnNorm, l.WGate, l.WUp, l.WDown]);
            foreach (var b in new[] { l.Bq, l.Bk, l.Bv }) if (b is { } bias) unique.Add(bias);
        }
        // The embedding is a lookup, not a matmul; the LM head is one whether or not it is tied.
        long matmulParams = weights.Output.ElementCount
            + weights.Layers.Sum(l => l.Wq.ElementCount + l.Wk.ElementCount + l.Wv.ElementCount + l.Wo.ElementCount
                                      + l.WGate.ElementCount + l.WUp.ElementCount + l.WDown.ElementCount);
        return new ModelInspection(
            weights.Source,
            c.Architecture,
            c,
            unique.Sum(t => t.ElementCount),
            unique.GroupBy(t => t.DType).ToDictionary(g => g.Key, g => g.Sum(t => t.ElementCount)),
            unique.Sum(t => t.ByteLength),
            2 * matmulParams,
            4L * c.LayerCount * c.HeadCount * c.HeadDim,
            weights.Files.Select(f => (f, File.Exists(f) ? new FileInfo(f).Length : 0L)).ToList(),
            c.TiedEmbeddings,
            c.RopeTheta,
            c.RopeScaling);
    }
}
