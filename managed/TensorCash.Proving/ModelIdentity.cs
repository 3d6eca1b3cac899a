using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TensorCash.Engine.Model;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving;

/// <summary>
/// The model id a transcript declares: SHA-256 over "TSC-MODEL-V1", the normalised config, and for every tensor the
/// engine computes with (in a fixed role order, under role names such as "layers.3.wq") its dtype, shape and bytes.
/// Role names rather than file names make the id depend on what is computed, not on the container: the same weights
/// from GGUF or safetensors (GGUF's Q/K rows are un-permuted on load) get the same id, while any changed byte, dtype
/// (a BF16 rounding, an int8 quantisation) or missing layer gives another. Cost: one SHA-256 pass over the weights,
/// computed once per load (about 1-2 GB/s on one core, so ~0.2 s for a 100M-parameter BF16 model).
/// </summary>
public sealed class ModelIdentity
{
    public const int IdBytes = 32;

    private ModelIdentity(byte[] id, int vocabSize)
    {
        Id = id;
        VocabSize = vocabSize;
    }

    public byte[] Id { get; }
    public int VocabSize { get; }
    public string Hex => Convert.ToHexString(Id).ToLowerInvariant();

    public KnownModel ToKnownModel() => new(Id, VocabSize);

    public static ModelIdentity Compute(ModelWeights weights)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("TSC-MODEL-V1"u8);
        AppendConfig(hash, weights.Config);
        Append(hash, "token_embedding", weights.TokenEmbedding);
        Append(hash, "output_norm", weights.OutputNorm);
        if (!weights.Config.TiedEmbeddings) Append(hash, "output", weights.Output);
        for (int i = 0; i < weights.Layers.Count; i++)
        {
            var l = weights.Layers[i];
            string p = $"layers.{i}.";
            Append(hash, p + "attn_norm", l.AttnNorm);
            Append(hash, p + "wq", l.Wq);
            Append(hash, p + "wk", l.Wk);
            Append(hash, p + "wv", l.Wv);
            Append(hash, p + "wo", l.Wo);
            if (l.Bq is { } bq) Append(hash, p + "bq", bq);
            if (l.Bk is { } bk) Append(hash, p + "bk", bk);
            if (l.Bv is { } bv) Append(hash, p + "bv", bv);
            Append(hash, p + "ffn_norm", l.FfnNorm);
            Append(hash, p + "w_gate", l.WGate);
            Append(hash, p + "w_up", l.WUp);
            Append(hash, p + "w_down", l.WDown);
        }
        return new ModelIdentity(hash.GetHashAndReset(), weights.Config.VocabSize);
    }

    private static void AppendConfig(IncrementalHash hash, ModelConfig c)
    {
        var b = new byte[8];
        void U32(int v) { BinaryPrimitives.WriteInt32LittleEndian(b, v); hash.AppendData(b, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b, v); hash.AppendData(b); }
        U32((int)c.Architecture);
        U32(c.LayerCount); U32(c.ModelDim); U32(c.HeadCount); U32(c.KvHeadCount); U32(c.HeadDim);
        U32(c.FeedForwardDim); U32(c.VocabSize); U32(c.MaxSequenceLength);
        U32((int)BitConverter.SingleToUInt32Bits(c.RmsNormEps));
        U64(BitConverter.DoubleToUInt64Bits(c.RopeTheta));
        U32(c.TiedEmbeddings ? 1 : 0);
        U32(c.AttentionBias ? 1 : 0);
        if (c.RopeScaling is { } s)
        {
            U32(1);
            U64(BitConverter.DoubleToUInt64Bits(s.Factor));
            U64(BitConverter.DoubleToUInt64Bits(s.LowFreqFactor));
            U64(BitConverter.DoubleToUInt64Bits(s.HighFreqFactor));
            U32(s.OriginalMaxPositionEmbeddings);
        }
        else U32(0);
    }

    private static unsafe void Append(IncrementalHash hash, string role, TensorView tensor)
    {
        var name = Encoding.ASCII.GetBytes(role);
        Span<byte> b = stackalloc byte[8];
        hash.AppendData([(byte)name.Length]);
        hash.AppendData(name);
        hash.AppendData([(byte)tensor.DType, (byte)tensor.Shape.Length]);
        foreach (long dim in tensor.Shape)
        {
            BinaryPrimitives.WriteInt64LittleEndian(b, dim);
            hash.AppendData(b);
        }
        BinaryPrimitives.WriteInt64LittleEndian(b, tensor.ByteLength);
        hash.AppendData(b);
        const int chunk = 1 << 30; // spans are int-sized; tensors may exceed 2 GiB
        for (long offset = 0; offset < tensor.ByteLength; offset += chunk)
        {
            int length = (int)Math.Min(chunk, tensor.ByteLength - offset);
            hash.AppendData(new ReadOnlySpan<byte>((byte*)tensor.Data + offset, length));
        }
    }
}
