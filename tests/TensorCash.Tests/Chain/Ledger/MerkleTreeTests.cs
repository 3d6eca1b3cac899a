using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;

namespace TensorCash.Tests.Chain.Ledger;

public class MerkleTreeTests
{
    private static Hash256 H(int seed) => Hashes.Sha256d(BitConverter.GetBytes(seed));

    [Test]
    public void BitcoinBlock100000Root()
    {
        // Bitcoin mainnet block 100,000 (000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506): its four
        // txids and the Merkle root in its header, all in display (byte-reversed) form.
        Hash256[] txids =
        [
            Hash256.Parse("8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87"),
            Hash256.Parse("fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4"),
            Hash256.Parse("6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4"),
            Hash256.Parse("e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d"),
        ];
        var root = MerkleTree.ComputeRoot(txids, out bool mutated);
        Assert.That(root.ToString(), Is.EqualTo("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"));
        Assert.That(mutated, Is.False);
    }

    [Test]
    public void OneLeafIsItsOwnRootAndNoLeavesGiveZero()
    {
        Assert.That(MerkleTree.ComputeRoot([H(1)], out bool mutated), Is.EqualTo(H(1)));
        Assert.That(mutated, Is.False);
        Assert.That(MerkleTree.ComputeRoot([], out _), Is.EqualTo(Hash256.Zero));
    }

    [Test]
    public void OddLevelDuplicatesItsLastNode()
    {
        var a = H(1); var b = H(2); var c = H(3);
        var ab = Node(a, b);
        var cc = Node(c, c);
        Assert.That(MerkleTree.ComputeRoot([a, b, c], out bool mutated), Is.EqualTo(Node(ab, cc)));
        Assert.That(mutated, Is.False);
    }

    [Test]
    public void DuplicatedTailHasTheSameRootButIsFlaggedMutated()
    {
        // CVE-2012-2459: [a, b, c] and [a, b, c, c] share a root; only the second has equal siblings.
        var three = MerkleTree.ComputeRoot([H(1), H(2), H(3)], out bool threeMutated);
        var four = MerkleTree.ComputeRoot([H(1), H(2), H(3), H(3)], out bool fourMutated);
        Assert.That(four, Is.EqualTo(three));
        Assert.That(threeMutated, Is.False);
        Assert.That(fourMutated, Is.True);
    }

    [Test]
    public void MutationVectorFromTheProtocolDocument()
    {
        // docs/protocol/chain.md, "Ledger rules": leaves SHA-256d(0x01), SHA-256d(0x02), SHA-256d(0x03).
        Hash256 a = Hashes.Sha256d([1]), b = Hashes.Sha256d([2]), c = Hashes.Sha256d([3]);
        Assert.That(a.ToString(), Is.EqualTo("705f425bfcb81942ec8db27abc2485c1322177233dac87d78445c704dccf129c"));
        const string root = "f73ff3687fc42001848da9ac73ad785e18f0adb6337fedc3aba1bdac9c01c271";
        Assert.That(MerkleTree.ComputeRoot([a, b, c], out bool honestMutated).ToString(), Is.EqualTo(root));
        Assert.That(MerkleTree.ComputeRoot([a, b, c, c], out bool mutated).ToString(), Is.EqualTo(root));
        Assert.That((honestMutated, mutated), Is.EqualTo((false, true)));
    }

    [Test]
    public void EqualSiblingsOnAHigherLevelAreFlagged()
    {
        // [a, b, c, d, e, f] and [a, b, c, d, e, f, e, f] share a root; the duplication shows on level 1.
        Hash256[] six = [H(1), H(2), H(3), H(4), H(5), H(6)];
        Hash256[] eight = [.. six, H(5), H(6)];
        var sixRoot = MerkleTree.ComputeRoot(six, out bool sixMutated);
        var eightRoot = MerkleTree.ComputeRoot(eight, out bool eightMutated);
        Assert.That(eightRoot, Is.EqualTo(sixRoot));
        Assert.That(sixMutated, Is.False);
        Assert.That(eightMutated, Is.True);
    }

    [Test]
    public void EqualHashesThatAreNotSiblingsAreNotAMutation()
    {
        MerkleTree.ComputeRoot([H(1), H(2), H(2), H(3)], out bool mutated);
        Assert.That(mutated, Is.False);
    }

    private static Hash256 Node(Hash256 left, Hash256 right) => Hashes.Sha256d([.. left.ToArray(), .. right.ToArray()]);
}
