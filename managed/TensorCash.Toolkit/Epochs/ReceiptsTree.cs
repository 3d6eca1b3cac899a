using TensorCash.Proof;

namespace TensorCash.Toolkit.Epochs;

/// <summary>
/// The Merkle tree over an epoch's receipt hashes, in the order the node lists them: the proof core's
/// <see cref="TaggedMerkleTree"/> (RFC 6962 shape, no duplicated nodes, the leaf count in the root) with its own tags,
/// inner nodes SHA-256("TSC-RNODE" || left || right) and root SHA-256("TSC-RECEIPTS" || u32 n || tree), so a
/// receipts root can never be mistaken for a proof window root or a trace commitment.
/// </summary>
public static class ReceiptsTree
{
    private static readonly TaggedMerkleTree Tree = new(ToolkitTags.ReceiptNode, ToolkitTags.ReceiptsRoot, "receipts tree");

    public static byte[] Root(IReadOnlyList<byte[]> receiptHashes) => Tree.Root(receiptHashes);

    public static List<byte[]> Path(IReadOnlyList<byte[]> receiptHashes, int index) => Tree.Path(receiptHashes, index);

    public static byte[]? RootFromPath(ReadOnlySpan<byte> receiptHash, int index, int count, IReadOnlyList<byte[]> path) =>
        Tree.RootFromPath(receiptHash, index, count, path);
}
