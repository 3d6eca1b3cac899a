namespace TensorCash.Proof;

/// <summary>
/// RFC 6962-shaped Merkle tree (split at the largest power of two below n, an odd node is carried up, never
/// duplicated) with its own domain tags: inner nodes SHA-256(nodeTag || left || right), root SHA-256(rootTag || u32 n
/// || tree). Without duplication, [a,b,c] and [a,b,c,c] have different shapes, and the count in the root makes even a
/// forged equal-shape reading impossible to pass off. Used by the proof window and the model's tensor list.
/// </summary>
internal sealed class TaggedMerkleTree(byte[] nodeTag, byte[] rootTag, string what)
{
    public byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0) throw new ProofInputException($"a {what} needs at least one leaf");
        for (var i = 0; i < leaves.Count; i++)
            if (leaves[i].Length != 32) throw new ProofInputException($"leaf {i} is {leaves[i].Length} bytes; it must be 32");
        return new HashInput().Raw(rootTag).U32((uint)leaves.Count).Raw(TreeHash(leaves, 0, leaves.Count)).Sha256();
    }

    /// <summary>
    /// The audit path of leaf <paramref name="index"/> (RFC 6962 §2.1.1 shape): sibling subtree hashes from the leaf
    /// upward. Its length is fixed by (index, count), so a verifier knows how many nodes to expect.
    /// </summary>
    public List<byte[]> Path(IReadOnlyList<byte[]> leaves, int index)
    {
        if ((uint)index >= (uint)leaves.Count) throw new ProofInputException($"leaf {index} is outside a {what} of {leaves.Count}");
        var path = new List<byte[]>();
        AppendPath(leaves, 0, leaves.Count, index, path);
        return path;
    }

    private void AppendPath(IReadOnlyList<byte[]> leaves, int start, int count, int index, List<byte[]> path)
    {
        if (count == 1) return;
        int split = LargestPowerOfTwoBelow(count);
        if (index < split)
        {
            AppendPath(leaves, start, split, index, path);
            path.Add(TreeHash(leaves, start + split, count - split));
        }
        else
        {
            AppendPath(leaves, start + split, count - split, index - split, path);
            path.Add(TreeHash(leaves, start, split));
        }
    }

    /// <summary>
    /// The window root implied by a leaf, its index, the window's leaf count and an audit path; null if the path has
    /// the wrong number of nodes or a node is not 32 bytes. Equal to <see cref="Root"/> of the window iff the path is genuine.
    /// </summary>
    public byte[]? RootFromPath(ReadOnlySpan<byte> leaf, int index, int count, IReadOnlyList<byte[]> path)
    {
        if (leaf.Length != 32 || count < 1 || (uint)index >= (uint)count) return null;
        int used = 0;
        var tree = Climb(leaf.ToArray(), index, count, path, ref used);
        if (tree is null || used != path.Count) return null;
        return new HashInput().Raw(rootTag).U32((uint)count).Raw(tree).Sha256();
    }

    // Walks down to the leaf first (the path lists siblings bottom-up), then hashes back up.
    private byte[]? Climb(byte[] leaf, int index, int count, IReadOnlyList<byte[]> path, ref int used)
    {
        if (count == 1) return leaf;
        int split = LargestPowerOfTwoBelow(count);
        bool left = index < split;
        var below = left ? Climb(leaf, index, split, path, ref used) : Climb(leaf, index - split, count - split, path, ref used);
        if (below is null || used >= path.Count || path[used].Length != 32) return null;
        var sibling = path[used++];
        return left
            ? new HashInput().Raw(nodeTag).Raw(below).Raw(sibling).Sha256()
            : new HashInput().Raw(nodeTag).Raw(sibling).Raw(below).Sha256();
    }

    private static int LargestPowerOfTwoBelow(int count)
    {
        var split = 1;
        while (split * 2 < count) split *= 2;
        return split;
    }

    private byte[] TreeHash(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1) return leaves[start];
        int split = LargestPowerOfTwoBelow(count);
        return new HashInput().Raw(nodeTag).Raw(TreeHash(leaves, start, split)).Raw(TreeHash(leaves, start + split, count - split)).Sha256();
    }
}
