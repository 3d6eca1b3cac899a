using TensorCash.Engine.Model;
using TensorCash.Proof.Models;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving;

/// <summary>
/// The model id a transcript declares, ModelIdentity V2 (docs/protocol/registry.md §1):
/// SHA-256("TSC-MODEL-V2" ‖ u16 len ‖ descriptor ‖ tensorRoot), where the descriptor is the architecture in the clear
/// (<see cref="ModelDescriptor"/>, built from the normalised config with real numbers by their IEEE bits) and the tensor
/// root is a Merkle root over one <see cref="TensorLeaf"/> per tensor the engine computes with, in the canonical role
/// order of <see cref="ModelDescriptor.ExpectedTensors"/> (role names such as "layers.3.wq", dtype, shape, byte length and
/// the chunked <see cref="TensorDataHash"/> of the bytes). Role names rather than file names make the id depend on what
/// is computed, not on the container: the same weights from GGUF or safetensors (GGUF's Q/K rows are un-permuted on
/// load) get the same id, while any changed byte, dtype (a BF16 rounding, an int8 quantisation) or missing layer gives
/// another. A node without the weights checks a registration's id from its descriptor and root, and a fraud proof
/// points at one leaf. Cost: one SHA-256 pass over the weights (tensors hashed in parallel), once per load.
/// </summary>
public sealed class ModelIdentity
{
    public const int IdBytes = 32;

    private readonly TensorDType? _weightDType;
    private readonly string? _mixedDTypes;
    private readonly string _source;

    private ModelIdentity(byte[] id, int vocabSize, ModelDescriptor descriptor, byte[] descriptorBytes, IReadOnlyList<TensorLeaf> leaves,
        byte[] tensorRoot, TensorDType? weightDType, string? mixedDTypes, string source)
    {
        _source = source;
        Id = id;
        VocabSize = vocabSize;
        Descriptor = descriptor;
        DescriptorBytes = descriptorBytes;
        Leaves = leaves;
        TensorRoot = tensorRoot;
        _weightDType = weightDType;
        _mixedDTypes = mixedDTypes;
    }

    public byte[] Id { get; }
    public int VocabSize { get; }
    public string Hex => Convert.ToHexString(Id).ToLowerInvariant();

    /// <summary>The architecture numbers the id commits to in the clear.</summary>
    public ModelDescriptor Descriptor { get; }
    /// <summary><see cref="ModelDescriptor.Encode"/> of <see cref="Descriptor"/>: what the id hashes and a registration carries.</summary>
    public byte[] DescriptorBytes { get; }
    /// <summary>One leaf per tensor, in <see cref="ModelDescriptor.ExpectedTensors"/> order (leaf i is tensor index i of a fraud proof).</summary>
    public IReadOnlyList<TensorLeaf> Leaves { get; }
    /// <summary><see cref="TensorMerkleTree.Root"/> over the leaves' hashes.</summary>
    public byte[] TensorRoot { get; }

    /// <summary>Whether every 2-D tensor has the same dtype (what a registration's weightDType needs).</summary>
    public bool HasUniformWeightDType => _weightDType is not null;

    /// <summary>
    /// The dtype of every 2-D tensor (a registration's weightDType). Throws <see cref="ModelFormatException"/> when the
    /// 2-D tensors mix dtypes (e.g. a Q8_0 GGUF that kept some rows in F16), which no registration can describe.
    /// </summary>
    public TensorDType WeightDType => _weightDType ?? throw new ModelFormatException(_source, null, _mixedDTypes!);

    public KnownModel ToKnownModel() => new(Id, VocabSize);

    /// <summary>The descriptor of a normalised config: the architecture enum as its byte, floats and doubles by their IEEE bits.</summary>
    public static ModelDescriptor DescriptorOf(ModelConfig c) => new(
        (byte)c.Architecture, c.LayerCount, c.ModelDim, c.HeadCount, c.KvHeadCount, c.HeadDim, c.FeedForwardDim, c.VocabSize,
        c.MaxSequenceLength, BitConverter.SingleToUInt32Bits(c.RmsNormEps), BitConverter.DoubleToUInt64Bits(c.RopeTheta),
        c.TiedEmbeddings, c.AttentionBias,
        c.RopeScaling is { } s
            ? new RopeScalingDescriptor(BitConverter.DoubleToUInt64Bits(s.Factor), BitConverter.DoubleToUInt64Bits(s.LowFreqFactor),
                BitConverter.DoubleToUInt64Bits(s.HighFreqFactor), s.OriginalMaxPositionEmbeddings)
            : null);

    /// <summary>
    /// The engine's tensors under their role names, in <see cref="ModelDescriptor.ExpectedTensors"/> order, each checked
    /// against the expected shape (<see cref="ModelFormatException"/> on a missing tensor or a shape mismatch).
    /// </summary>
    public static IReadOnlyList<(string Role, TensorView View)> TensorsInOrder(ModelWeights weights, ModelDescriptor descriptor)
    {
        var byRole = new Dictionary<string, TensorView>(StringComparer.Ordinal)
        {
            ["token_embedding"] = weights.TokenEmbedding,
            ["output_norm"] = weights.OutputNorm,
        };
        if (!weights.Config.TiedEmbeddings) byRole["output"] = weights.Output;
        for (int i = 0; i < weights.Layers.Count; i++)
        {
            var l = weights.Layers[i];
            string p = $"layers.{i}.";
            byRole[p + "attn_norm"] = l.AttnNorm;
            byRole[p + "wq"] = l.Wq;
            byRole[p + "wk"] = l.Wk;
            byRole[p + "wv"] = l.Wv;
            byRole[p + "wo"] = l.Wo;
            if (l.Bq is { } bq) byRole[p + "bq"] = bq;
            if (l.Bk is { } bk) byRole[p + "bk"] = bk;
            if (l.Bv is { } bv) byRole[p + "bv"] = bv;
            byRole[p + "ffn_norm"] = l.FfnNorm;
            byRole[p + "w_gate"] = l.WGate;
            byRole[p + "w_up"] = l.WUp;
            byRole[p + "w_down"] = l.WDown;
        }
        var expected = descriptor.ExpectedTensors();
        if (byRole.Count != expected.Count)
            throw new ModelFormatException(weights.Source, null, $"the engine holds {byRole.Count} tensors, the architecture expects {expected.Count}");
        var ordered = new List<(string, TensorView)>(expected.Count);
        foreach (var e in expected)
        {
            if (!byRole.TryGetValue(e.Role, out var view))
                throw new ModelFormatException(weights.Source, e.Role, "missing: the architecture expects this tensor");
            if (!view.Shape.AsSpan().SequenceEqual(e.Shape))
                throw new ModelFormatException(weights.Source, e.Role,
                    $"shape [{string.Join(", ", view.Shape)}] (stored as '{view.Name}'), the architecture expects [{string.Join(", ", e.Shape)}]");
            ordered.Add((e.Role, view));
        }
        return ordered;
    }

    public static ModelIdentity Compute(ModelWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        // The V2 descriptor has no field for a sliding window, so one id would cover the model with and without it (say a
        // Mistral 7B v0.1 loaded from config.json, window 4096, and from a llama.cpp GGUF, no window): nodes would disagree
        // on logits beyond the window. Until the descriptor commits to it, a window that can bite has no id. One at least
        // the context never masks anything and computes exactly the unwindowed model.
        if (weights.Config.SlidingWindow is { } window && window < weights.Config.MaxSequenceLength)
            throw new ModelFormatException(weights.Source, null,
                $"sliding window {window} is shorter than the context ({weights.Config.MaxSequenceLength}): ModelIdentity V2 does not commit to a sliding window, so such a model has no model id (it runs, but cannot be registered, mined or proven)");
        var descriptor = DescriptorOf(weights.Config);
        try
        {
            descriptor.Validate();
        }
        catch (TensorCash.Proof.ProofInputException e)
        {
            throw new ModelFormatException(weights.Source, null, $"architecture outside the registry's limits: {e.Message}", e);
        }
        var tensors = TensorsInOrder(weights, descriptor);
        var leaves = new TensorLeaf[tensors.Count];
        Parallel.For(0, tensors.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            var (role, view) = tensors[i];
            leaves[i] = new TensorLeaf(role, (byte)view.DType, view.Shape, view.ByteLength, DataHash(view));
        });
        foreach (var leaf in leaves)
        {
            try
            {
                leaf.Validate();
            }
            catch (TensorCash.Proof.ProofInputException e)
            {
                throw new ModelFormatException(weights.Source, leaf.Role, e.Message, e);
            }
        }
        byte[] root = TensorMerkleTree.Root(leaves.Select(l => l.Hash()).ToList());
        byte[] descriptorBytes = descriptor.Encode();
        byte[] id = ModelCommitment.ModelId(descriptorBytes, root);

        var matrixDTypes = tensors.Where(t => t.View.Shape.Length == 2).GroupBy(t => t.View.DType).ToList();
        TensorDType? weightDType = matrixDTypes.Count == 1 ? matrixDTypes[0].Key : null;
        string? mixed = matrixDTypes.Count == 1 ? null
            : "the 2-D tensors mix dtypes (" + string.Join(", ", matrixDTypes.Select(g => $"{g.Key}: {g.Count()} tensors, e.g. {g.First().Role}")) +
              "); a registration names one weight dtype";
        return new ModelIdentity(id, weights.Config.VocabSize, descriptor, descriptorBytes, leaves, root, weightDType, mixed, weights.Source);
    }

    /// <summary>The chunked data hash of a tensor's bytes, fed in pieces below 2 GiB (a span's limit).</summary>
    public static unsafe byte[] DataHash(TensorView view)
    {
        using var hasher = new TensorDataHasher(view.ByteLength);
        const int piece = 1 << 30; // a multiple of the 1 MiB chunk, so no chunk straddles two pieces
        for (long offset = 0; offset < view.ByteLength; offset += piece)
        {
            int length = (int)Math.Min(piece, view.ByteLength - offset);
            hasher.Append(new ReadOnlySpan<byte>((byte*)view.Data + offset, length));
        }
        return hasher.Finish();
    }
}
