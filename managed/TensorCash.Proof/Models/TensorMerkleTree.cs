namespace TensorCash.Proof.Models;

/// <summary>
/// The model's tensor root (registry.md §1): leaf hashes (<see cref="TensorLeaf.Hash"/>) in canonical order in a
/// <see cref="TaggedMerkleTree"/> with inner nodes SHA-256("TSC-TNODE" || l || r) and root SHA-256("TSC-TENSORS" ||
/// u32 n || tree). A path proves one tensor of a registered model without the other tensors.
/// </summary>
public static class TensorMerkleTree
{
    /// <summary>Bounds a path a fraud proof may carry: 2^32 leaves need at most 32 nodes.</summary>
    public const int MaxPathNodes = 32;

    private static readonly TaggedMerkleTree Tree = new(DomainTags.TensorNode, DomainTags.TensorRoot, "tensor list");

    public static byte[] Root(IReadOnlyList<byte[]> leafHashes) => Tree.Root(leafHashes);

    public static List<byte[]> Path(IReadOnlyList<byte[]> leafHashes, int index) => Tree.Path(leafHashes, index);

    /// <summary>The root implied by a leaf hash at <paramref name="index"/> of <paramref name="count"/>; null for a malformed path.</summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> leafHash, int index, int count, IReadOnlyList<byte[]> path) =>
        path.Count > MaxPathNodes ? null : Tree.RootFromPath(leafHash, index, count, path);
}
