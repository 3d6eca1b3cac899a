using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

public class MerkleProperties
{
    private static byte[][] Leaves(int[] seeds) => seeds.Select(s => SHA256.HashData(BitConverter.GetBytes(s))).ToArray();

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Test]
    public void DifferentLeafListsGiveDifferentRoots() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 5)).Where(a => a.Length > 0).ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 5)).Where(a => a.Length > 0).ToArbitrary(),
            (a, b) => a.SequenceEqual(b) == WindowMerkleTree.Root(Leaves(a)).SequenceEqual(WindowMerkleTree.Root(Leaves(b)))).Check(Runs);

    [Test]
    public void DuplicatingTheLastLeafChangesTheRoot() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 1000)).Where(a => a.Length > 0).ToArbitrary(), seeds =>
        {
            var leaves = Leaves(seeds);
            return !WindowMerkleTree.Root(leaves).SequenceEqual(WindowMerkleTree.Root([.. leaves, leaves[^1]]));
        }).Check(Runs);

    [Test]
    public void BitcoinStyleDuplicationWouldHaveCollided()
    {
        // Why the shape matters: the duplicate-odd-node tree of CVE-2012-2459 maps [a,b,c] and [a,b,c,c] to one root.
        static byte[] Node(byte[] l, byte[] r) => SHA256.HashData([.. l, .. r]);
        static byte[] Duplicating(byte[][] level)
        {
            while (level.Length > 1)
            {
                if (level.Length % 2 == 1) level = [.. level, level[^1]];
                level = Enumerable.Range(0, level.Length / 2).Select(i => Node(level[2 * i], level[2 * i + 1])).ToArray();
            }
            return level[0];
        }
        var three = Leaves([1, 2, 3]);
        var four = Leaves([1, 2, 3, 3]);
        Assert.That(Duplicating(three), Is.EqualTo(Duplicating(four)));
        Assert.That(WindowMerkleTree.Root(three), Is.Not.EqualTo(WindowMerkleTree.Root(four)));
    }

    [Test]
    public void AnInnerNodeCannotPassAsALeaf()
    {
        // The inner node over [l0, l1], offered as a one-leaf window, must not open to the two-leaf window.
        var leaves = Leaves([7, 8]);
        var inner = SHA256.HashData([.. "TSC-NODE"u8.ToArray(), .. leaves[0], .. leaves[1]]);
        Assert.That(WindowMerkleTree.Root([inner]), Is.Not.EqualTo(WindowMerkleTree.Root(leaves)));
    }
}
