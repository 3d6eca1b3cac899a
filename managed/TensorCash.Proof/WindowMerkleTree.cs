namespace TensorCash.Proof;

/// <summary>
/// The root of one window's leaves: a <see cref="TaggedMerkleTree"/> with inner nodes SHA-256("TSC-NODE" || left ||
/// right) and root SHA-256("TSC-WINDOW" || u32 n || tree).
/// </summary>
public static class WindowMerkleTree
{
    private static readonly TaggedMerkleTree Tree = new(DomainTags.Node, DomainTags.Window, "window");

    public static byte[] Root(IReadOnlyList<byte[]> leaves) => Tree.Root(leaves);

    /// <summary>
    /// The audit path of leaf <paramref name="index"/> (RFC 6962 §2.1.1 shape): sibling subtree hashes from the leaf
    /// upward. Its length is fixed by (index, count), so a verifier knows how many nodes to expect.
    /// </summary>
    public static List<byte[]> Path(IReadOnlyList<byte[]> leaves, int index) => Tree.Path(leaves, index);

    /// <summary>
    /// The window root implied by a leaf, its index, the window's leaf count and an audit path; null if the path has
    /// the wrong number of nodes or a node is not 32 bytes. Equal to <see cref="Root"/> of the window iff the path is genuine.
    /// </summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> leaf, int index, int count, IReadOnlyList<byte[]> path) =>
        Tree.RootFromPath(leaf, index, count, path);
}
