using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

public class MerklePathTests
{
    private static List<byte[]> Leaves(int count) => Enumerable.Range(0, count).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToList();

    [Test]
    public void EveryLeafOfEveryWindowSizeRecomputesTheRoot()
    {
        for (int count = 1; count <= 17; count++)
        {
            var leaves = Leaves(count);
            var root = WindowMerkleTree.Root(leaves);
            for (int i = 0; i < count; i++)
            {
                var path = WindowMerkleTree.Path(leaves, i);
                Assert.That(WindowMerkleTree.RootFromPath(leaves[i], i, count, path), Is.EqualTo(root), $"leaf {i} of {count}");
            }
        }
    }

    [Test]
    public void AWrongLeafIndexCountOrPathDoesNotGiveTheRoot()
    {
        var leaves = Leaves(6);
        var root = WindowMerkleTree.Root(leaves);
        var path = WindowMerkleTree.Path(leaves, 4);
        Assert.That(WindowMerkleTree.RootFromPath(leaves[3], 4, 6, path), Is.Not.EqualTo(root));
        Assert.That(WindowMerkleTree.RootFromPath(leaves[4], 5, 6, path), Is.Not.EqualTo(root));
        Assert.That(WindowMerkleTree.RootFromPath(leaves[4], 4, 7, path), Is.Not.EqualTo(root));
        Assert.That(WindowMerkleTree.RootFromPath(leaves[4], 4, 6, [.. path, new byte[32]]), Is.Null, "too many nodes");
        Assert.That(WindowMerkleTree.RootFromPath(leaves[4], 4, 6, path.Take(1).ToList()), Is.Null, "too few nodes");
        Assert.That(WindowMerkleTree.RootFromPath(leaves[4], 6, 6, path), Is.Null, "index outside the window");
    }
}
