namespace TensorCash.Proof;

/// <summary>
/// The root of one window's leaves. The tree is RFC 6962's shape (split at the largest power of two below n, an odd
/// node is carried up, never duplicated), inner nodes are SHA-256("TSC-NODE" || left || right), and the root wraps
/// the tree hash with the leaf count: SHA-256("TSC-WINDOW" || u32 n || tree). Without duplication, [a,b,c] and
/// [a,b,c,c] have different shapes, and the count makes even a forged equal-shape reading impossible to pass off.
/// </summary>
public static class WindowMerkleTree
{
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0) throw new ProofInputException("a window needs at least one leaf");
        for (var i = 0; i < leaves.Count; i++)
            if (leaves[i].Length != 32) throw new ProofInputException($"leaf {i} is {leaves[i].Length} bytes; it must be 32");
        return new HashInput().Raw(DomainTags.Window).U32((uint)leaves.Count).Raw(TreeHash(leaves, 0, leaves.Count)).Sha256();
    }

    private static byte[] TreeHash(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1) return leaves[start];
        var split = 1;
        while (split * 2 < count) split *= 2;
        return new HashInput().Raw(DomainTags.Node).Raw(TreeHash(leaves, start, split)).Raw(TreeHash(leaves, start + split, count - split)).Sha256();
    }
}
