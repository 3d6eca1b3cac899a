using TensorCash.Proof;

namespace TensorCash.Proof.Models;

/// <summary>Llama 3.1+ rope scaling, by the IEEE bits of its doubles so the encoding is exact.</summary>
public sealed record RopeScalingDescriptor(ulong FactorBits, ulong LowFreqFactorBits, ulong HighFreqFactorBits, int OriginalMaxPositionEmbeddings);

/// <summary>One tensor a model with a given descriptor must have: its role name (canonical order) and row-major shape.</summary>
public sealed record ExpectedTensor(string Role, long[] Shape);

/// <summary>
/// The architecture numbers a model id commits to (ModelIdentity V2, docs/protocol/registry.md §1) and a registration
/// carries, so that a node WITHOUT the weights can compute the model's cost (and so D_m) and the exact tensor layout a
/// fraud proof is checked against. Integers only: the real-valued hyper-parameters travel as their IEEE bits.
/// </summary>
public sealed record ModelDescriptor(
    byte Architecture,
    int LayerCount,
    int ModelDim,
    int HeadCount,
    int KvHeadCount,
    int HeadDim,
    int FeedForwardDim,
    int VocabSize,
    int MaxSequenceLength,
    uint RmsNormEpsBits,
    ulong RopeThetaBits,
    bool TiedEmbeddings,
    bool AttentionBias,
    RopeScalingDescriptor? RopeScaling)
{
    /// <summary>Llama, Mistral, Qwen2: the engine's ModelArchitecture values.</summary>
    public const byte MaxArchitecture = 2;
    public const int MaxLayers = 512;
    public const int MaxDim = 65_536;
    public const int MaxVocab = 1 << 21;
    public const int MaxSequence = 1 << 21;
    /// <summary>Without rope scaling: 1 + 9 × 4 + 8 + 2 + 1; with it: 28 more.</summary>
    public const int MaxEncodedBytes = 48 + 28;

    public int QueryDim => HeadCount * HeadDim;
    public int KvDim => KvHeadCount * HeadDim;

    /// <summary>Weights one layer multiplies with per token (the four attention projections and the three FFN matrices).</summary>
    public long LayerMatrixParameters => (long)ModelDim * QueryDim + 2L * ModelDim * KvDim + (long)QueryDim * ModelDim + 3L * ModelDim * FeedForwardDim;

    /// <summary>Weights every generated token multiplies with: all layers plus the LM head (the embedding is a lookup).</summary>
    public long MatrixParameterCount => LayerCount * LayerMatrixParameters + (long)ModelDim * VocabSize;

    /// <summary>Throws <see cref="ProofInputException"/> unless every field is in range and the shapes are consistent.</summary>
    public void Validate()
    {
        if (Architecture > MaxArchitecture) throw new ProofInputException($"architecture {Architecture} is not 0 (llama), 1 (mistral) or 2 (qwen2)");
        Range("layers", LayerCount, 1, MaxLayers);
        Range("model dim", ModelDim, 1, MaxDim);
        Range("heads", HeadCount, 1, MaxDim);
        Range("kv heads", KvHeadCount, 1, MaxDim);
        Range("head dim", HeadDim, 1, MaxDim);
        Range("feed-forward dim", FeedForwardDim, 1, MaxDim);
        Range("vocabulary", VocabSize, 2, MaxVocab);
        Range("max sequence", MaxSequenceLength, 1, MaxSequence);
        if (HeadCount % KvHeadCount != 0) throw new ProofInputException($"{HeadCount} heads are not a multiple of {KvHeadCount} kv heads");
        if ((long)HeadCount * HeadDim > MaxDim) throw new ProofInputException($"{HeadCount} heads × {HeadDim} exceeds {MaxDim}");
        if (HeadDim % 2 != 0) throw new ProofInputException($"head dim {HeadDim} is odd (RoPE rotates pairs)");
        if (Architecture == 2 && !AttentionBias) throw new ProofInputException("qwen2 always has q/k/v biases");
        if (RopeScaling is { OriginalMaxPositionEmbeddings: < 1 or > MaxSequence } s)
            throw new ProofInputException($"rope scaling original max positions {s.OriginalMaxPositionEmbeddings} is outside 1..{MaxSequence}");
    }

    private static void Range(string name, int value, int min, int max)
    {
        if (value < min || value > max) throw new ProofInputException($"{name} {value} is outside {min}..{max}");
    }

    /// <summary>The canonical encoding (registry.md §1): what the model id hashes and a registration carries.</summary>
    public byte[] Encode()
    {
        var w = new LittleEndianWriter(MaxEncodedBytes).U8(Architecture)
            .U32((uint)LayerCount).U32((uint)ModelDim).U32((uint)HeadCount).U32((uint)KvHeadCount).U32((uint)HeadDim)
            .U32((uint)FeedForwardDim).U32((uint)VocabSize).U32((uint)MaxSequenceLength)
            .U32(RmsNormEpsBits).U64(RopeThetaBits).U8(TiedEmbeddings ? (byte)1 : (byte)0).U8(AttentionBias ? (byte)1 : (byte)0);
        if (RopeScaling is { } s)
            w.U8(1).U64(s.FactorBits).U64(s.LowFreqFactorBits).U64(s.HighFreqFactorBits).U32((uint)s.OriginalMaxPositionEmbeddings);
        else
            w.U8(0);
        return w.ToArray();
    }

    /// <summary>Decodes and validates exactly one descriptor occupying all of <paramref name="bytes"/>.</summary>
    public static ModelDescriptor Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new LittleEndianReader(bytes);
        byte architecture = r.U8("architecture");
        int layers = r.I32("layers"), dim = r.I32("model dim"), heads = r.I32("heads"), kvHeads = r.I32("kv heads"), headDim = r.I32("head dim");
        int ffn = r.I32("feed-forward dim"), vocab = r.I32("vocabulary"), maxSeq = r.I32("max sequence");
        uint eps = r.U32("rms norm eps");
        ulong theta = r.U64("rope theta");
        bool tied = r.Flag("tied embeddings"), bias = r.Flag("attention bias");
        RopeScalingDescriptor? scaling = r.Flag("rope scaling")
            ? new RopeScalingDescriptor(r.U64("rope factor"), r.U64("rope low factor"), r.U64("rope high factor"), r.I32("rope original max positions"))
            : null;
        r.ExpectEnd("model descriptor");
        var descriptor = new ModelDescriptor(architecture, layers, dim, heads, kvHeads, headDim, ffn, vocab, maxSeq, eps, theta, tied, bias, scaling);
        descriptor.Validate();
        return descriptor;
    }

    /// <summary>
    /// The tensors, in the canonical order the model id's tensor root lists them (registry.md §1): token_embedding,
    /// output_norm, output (untied only), then per layer attn_norm, wq, wk, wv, wo, [bq, bk, bv], ffn_norm, w_gate, w_up, w_down.
    /// </summary>
    public IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        long d = ModelDim, q = QueryDim, kv = KvDim, ff = FeedForwardDim;
        var list = new List<ExpectedTensor>
        {
            new("token_embedding", [VocabSize, d]),
            new("output_norm", [d]),
        };
        if (!TiedEmbeddings) list.Add(new("output", [VocabSize, d]));
        for (int i = 0; i < LayerCount; i++)
        {
            string p = $"layers.{i}.";
            list.Add(new(p + "attn_norm", [d]));
            list.Add(new(p + "wq", [q, d]));
            list.Add(new(p + "wk", [kv, d]));
            list.Add(new(p + "wv", [kv, d]));
            list.Add(new(p + "wo", [d, q]));
            if (AttentionBias)
            {
                list.Add(new(p + "bq", [q]));
                list.Add(new(p + "bk", [kv]));
                list.Add(new(p + "bv", [kv]));
            }
            list.Add(new(p + "ffn_norm", [d]));
            list.Add(new(p + "w_gate", [ff, d]));
            list.Add(new(p + "w_up", [ff, d]));
            list.Add(new(p + "w_down", [d, ff]));
        }
        return list;
    }

    /// <summary>How many tensors <see cref="ExpectedTensors"/> lists, without building the list.</summary>
    public int ExpectedTensorCount => 2 + (TiedEmbeddings ? 0 : 1) + LayerCount * (AttentionBias ? 12 : 9);
}
