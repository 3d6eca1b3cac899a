using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Blocks;

/// <summary>
/// Bitcoin's transaction Merkle tree: leaves are txids, each inner node is SHA-256d(left || right), and a level with an
/// odd number of nodes pairs its last node with itself. That duplication lets two different transaction lists share a
/// root (CVE-2012-2459: [a, b, c] and [a, b, c, c]), so the computation also reports whether any level holds two equal
/// sibling hashes; a block whose tree is "mutated" that way is rejected rather than marked invalid by its hash.
/// </summary>
public static class MerkleTree
{
    /// <summary>The root over <paramref name="leaves"/> (zero for an empty list) and whether some level had equal siblings.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Hash256> leaves, out bool mutated)
    {
        mutated = false;
        if (leaves.Count == 0) return Hash256.Zero;
        var level = leaves.ToArray();
        int count = level.Length;
        Span<byte> pair = stackalloc byte[2 * Hash256.Size];
        while (count > 1)
        {
            // Only siblings count: equal hashes in different pairs are harmless, equal siblings mean duplication.
            for (int i = 0; i + 1 < count; i += 2)
                if (level[i] == level[i + 1]) mutated = true;
            int parents = (count + 1) / 2;
            for (int i = 0; i < parents; i++)
            {
                var left = level[2 * i];
                var right = 2 * i + 1 < count ? level[2 * i + 1] : left;
                left.WriteTo(pair);
                right.WriteTo(pair[Hash256.Size..]);
                level[i] = Hashes.Sha256d(pair);
            }
            count = parents;
        }
        return level[0];
    }

    /// <summary>The Merkle root of a block's transactions, as the header must commit to it.</summary>
    public static Hash256 BlockRoot(IReadOnlyList<Transaction> transactions, out bool mutated) =>
        ComputeRoot(transactions.Select(t => t.Txid).ToArray(), out mutated);
}
