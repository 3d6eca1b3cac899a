using TensorCash.Engine.Model;

namespace TensorCash.Cli.Bench;

/// <summary>
/// Bytes of weights a decode step must read: every layer matrix, norm and bias once, the final norm,
/// the whole LM head, and one embedding row. Decoding one token is memory-bound on exactly this
/// traffic, so bytes x tokens/s against the machine's bandwidth says how close to the limit we run.
/// The KV cache is left out: at benchmark context lengths it is small next to the weights.
/// </summary>
public static class DecodeTraffic
{
    public static long WeightBytesPerToken(ModelWeights weights)
    {
        long bytes = weights.OutputNorm.ByteLength + weights.Output.ByteLength;
        // With tied embeddings the looked-up row is part of the LM head already counted.
        if (weights.Output.Data != weights.TokenEmbedding.Data)
            bytes += weights.TokenEmbedding.ByteLength / weights.TokenEmbedding.Rows;
        foreach (var layer in weights.Layers)
        {
            bytes += layer.AttnNorm.ByteLength + layer.FfnNorm.ByteLength;
            bytes += layer.Wq.ByteLength + layer.Wk.ByteLength + layer.Wv.ByteLength + layer.Wo.ByteLength;
            bytes += (layer.Bq?.ByteLength ?? 0) + (layer.Bk?.ByteLength ?? 0) + (layer.Bv?.ByteLength ?? 0);
            bytes += layer.WGate.ByteLength + layer.WUp.ByteLength + layer.WDown.ByteLength;
        }
        return bytes;
    }
}
