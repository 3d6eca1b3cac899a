using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>What a challenge claims about a registered model's committed tensors (docs/protocol/registry.md §4).</summary>
public enum FraudKind : byte
{
    /// <summary>A non-bias tensor is all zeros: a layer that computes nothing, listed to pad the cost.</summary>
    ZeroTensor = 1,
    /// <summary>Two matrices of the same role in different places are the same bytes: parameters that add cost, not capacity.</summary>
    DuplicateTensor = 2,
    /// <summary>The committed tensor list is not the descriptor's layout (count, role, dtype, shape or byte length).</summary>
    Layout = 3,
}

/// <summary>A committed tensor leaf, its position and its Merkle path to the model's tensor root.</summary>
public sealed record TensorInclusion(TensorLeaf Leaf, int Index, IReadOnlyList<byte[]> Path);

/// <summary>
/// The payload of a challenge's <c>OP_RETURN "TCMC"</c> output, little-endian:
/// <code>
///   u8 version = 1, modelId (32), u8 kind, then
///   kind 1 zero-tensor:      leaf, u32 index, path
///   kind 2 duplicate-tensor: leaf a, u32 index a, path a, leaf b, u32 index b, path b
///   kind 3 layout:           leaf, u32 index, u32 count, path
///   leaf = TensorLeaf.Encode: u8 len + role, u8 dtype, u8 rank, i64 dims…, i64 byteLength, dataHash (32)
///   path = u8 n, n × 32 bytes
/// </code>
/// Kinds 1 and 2 prove inclusion in a tree of the descriptor's expected tensor count; kind 3 names its own count
/// (the tensor root commits to the count, so a count other than the real one cannot verify). Limits, all checked while
/// decoding so a hostile payload costs at most its bytes: <see cref="MaxPayloadBytes"/>, <see cref="MaxPathNodes"/>,
/// <see cref="MaxLeafByteLength"/>. Records compare leaves and paths by reference; compare <see cref="Encode"/>d bytes.
/// </summary>
public sealed record ModelFraudProof(Hash256 ModelId, FraudKind Kind, TensorInclusion Tensor, TensorInclusion? Other = null, int LeafCount = 0)
{
    public const byte CurrentVersion = 1;
    /// <summary>Largest challenge payload: three 32-node paths and two leaves fit with room to spare.</summary>
    public const int MaxPayloadBytes = 4_096;
    /// <summary>A path of 32 nodes covers 2^32 leaves, far beyond any descriptor's tensor count (at most 512 × 12 + 3).</summary>
    public const int MaxPathNodes = TensorMerkleTree.MaxPathNodes;
    /// <summary>
    /// 1 TiB: the largest tensor a zero-tensor proof may name, so checking it hashes at most 2^20 chunk hashes of 32
    /// bytes (TensorDataHash.OfZeros). TensorLeaf.Decode enforces it; restated here as the challenge's own bound.
    /// </summary>
    public const long MaxLeafByteLength = TensorLeaf.MaxByteLength;

    public byte[] Encode()
    {
        var writer = new ChainWriter(512).U8(CurrentVersion).Hash(ModelId).U8((byte)Kind);
        switch (Kind)
        {
            case FraudKind.ZeroTensor:
                WriteLeaf(writer, Tensor.Leaf).U32(Index(Tensor.Index));
                WritePath(writer, Tensor.Path);
                break;
            case FraudKind.DuplicateTensor:
                var other = Other ?? throw new ArgumentException("a duplicate-tensor proof names two tensors");
                WriteLeaf(writer, Tensor.Leaf).U32(Index(Tensor.Index));
                WritePath(writer, Tensor.Path);
                WriteLeaf(writer, other.Leaf).U32(Index(other.Index));
                WritePath(writer, other.Path);
                break;
            case FraudKind.Layout:
                WriteLeaf(writer, Tensor.Leaf).U32(Index(Tensor.Index)).U32(Index(LeafCount));
                WritePath(writer, Tensor.Path);
                break;
            default:
                throw new ArgumentException($"fraud kind {(byte)Kind} is not defined");
        }
        return writer.ToArray();
    }

    /// <summary>Decodes a payload; anything but an exact encoding within the limits throws <see cref="RegistryFormatException"/> ("bad-challenge-encoding").</summary>
    public static ModelFraudProof Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes) throw Malformed($"the payload is {payload.Length} bytes; at most {MaxPayloadBytes}");
        try
        {
            var reader = new ChainReader(payload);
            byte version = reader.U8("version");
            if (version != CurrentVersion) throw Malformed($"version {version}; only {CurrentVersion} is defined");
            var modelId = reader.Hash("model id");
            var kind = (FraudKind)reader.U8("kind");
            ModelFraudProof proof;
            switch (kind)
            {
                case FraudKind.ZeroTensor:
                    proof = new(modelId, kind, ReadInclusion(ref reader, payload, withCount: false, out _));
                    break;
                case FraudKind.DuplicateTensor:
                    var first = ReadInclusion(ref reader, payload, withCount: false, out _);
                    proof = new(modelId, kind, first, ReadInclusion(ref reader, payload, withCount: false, out _));
                    break;
                case FraudKind.Layout:
                    var tensor = ReadInclusion(ref reader, payload, withCount: true, out int count);
                    proof = new(modelId, kind, tensor, LeafCount: count);
                    break;
                default:
                    throw Malformed($"fraud kind {(byte)kind} is not defined");
            }
            reader.ExpectEnd("challenge");
            return proof;
        }
        catch (ChainFormatException e)
        {
            throw Malformed(e.Message);
        }
    }

    /// <summary>leaf, u32 index, [u32 count], path.</summary>
    private static TensorInclusion ReadInclusion(ref ChainReader reader, ReadOnlySpan<byte> payload, bool withCount, out int count)
    {
        TensorLeaf leaf;
        int consumed;
        try
        {
            leaf = TensorLeaf.Decode(payload[reader.Position..], out consumed);
        }
        catch (ProofInputException e)
        {
            throw Malformed($"tensor leaf at offset {reader.Position}: {e.Message}");
        }
        reader.Raw(consumed, "leaf");
        if (leaf.ByteLength is < 0 or > MaxLeafByteLength)
            throw Malformed($"leaf {leaf.Role} claims {leaf.ByteLength} bytes; at most {MaxLeafByteLength}");
        int index = ReadIndex(ref reader, "index");
        count = withCount ? ReadIndex(ref reader, "count") : 0;
        int nodes = reader.U8("path length");
        if (nodes > MaxPathNodes) throw Malformed($"a path of {nodes} nodes; at most {MaxPathNodes}");
        var path = new byte[nodes][];
        for (int i = 0; i < nodes; i++) path[i] = reader.Raw(Hash256.Size, "path node").ToArray();
        return new TensorInclusion(leaf, index, path);
    }

    private static int ReadIndex(ref ChainReader reader, string what)
    {
        uint value = reader.U32(what);
        if (value > int.MaxValue) throw Malformed($"{what} {value} exceeds {int.MaxValue}");
        return (int)value;
    }

    private static ChainWriter WriteLeaf(ChainWriter writer, TensorLeaf leaf) => writer.Raw(leaf.Encode());

    private static void WritePath(ChainWriter writer, IReadOnlyList<byte[]> path)
    {
        if (path.Count > byte.MaxValue) throw new ArgumentException($"a path of {path.Count} nodes does not fit its length byte");
        writer.U8((byte)path.Count);
        foreach (var node in path)
        {
            if (node.Length != Hash256.Size) throw new ArgumentException($"a path node is {node.Length} bytes, not {Hash256.Size}");
            writer.Raw(node);
        }
    }

    private static uint Index(int value) => value >= 0 ? (uint)value : throw new ArgumentException($"index or count {value} is negative");

    private static RegistryFormatException Malformed(string message) => new(RegistryReasons.ChallengeEncoding, message);
}
