using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Tests.Proof.Models;

public class ModelCommitmentTests
{
    private static ModelDescriptor Small(bool tied = true, bool bias = false) =>
        new(bias ? (byte)2 : (byte)0, 2, 64, 4, 2, 16, 176, 264, 2048, BitConverter.SingleToUInt32Bits(1e-5f), BitConverter.DoubleToUInt64Bits(10000), tied, bias, null);

    [Test]
    public void DescriptorRoundTripsExactly()
    {
        var scaled = Small(tied: false, bias: true) with { RopeScaling = new RopeScalingDescriptor(1, 2, 3, 8192) };
        foreach (var d in new[] { Small(), scaled })
        {
            var bytes = d.Encode();
            var back = ModelDescriptor.Decode(bytes);
            Assert.That(back.Encode(), Is.EqualTo(bytes));
            Assert.That(back with { RopeScaling = null }, Is.EqualTo(d with { RopeScaling = null }));
        }
    }

    [Test]
    public void DescriptorDecodeRejectsTruncationTrailingBytesAndBadFields()
    {
        var bytes = Small().Encode();
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<ProofInputException>(() => ModelDescriptor.Decode(bytes.AsSpan(0, n)), $"truncated to {n}");
        Assert.Throws<ProofInputException>(() => ModelDescriptor.Decode([.. bytes, 0]));
        var badFlag = (byte[])bytes.Clone();
        badFlag[^1] = 2; // rope-scaling flag
        Assert.Throws<ProofInputException>(() => ModelDescriptor.Decode(badFlag));
        Assert.Throws<ProofInputException>(() => (Small() with { HeadCount = 3 }).Validate()); // 3 heads, 2 kv heads
        Assert.Throws<ProofInputException>(() => (Small() with { LayerCount = 0 }).Validate());
        Assert.Throws<ProofInputException>(() => (Small() with { Architecture = 3 }).Validate());
        Assert.Throws<ProofInputException>(() => (Small() with { Architecture = 2, AttentionBias = false }).Validate());
    }

    [Test]
    public void ExpectedTensorsFollowTheCanonicalOrderAndCount()
    {
        foreach (var d in new[] { Small(), Small(tied: false, bias: true) })
        {
            var list = d.ExpectedTensors();
            Assert.That(list, Has.Count.EqualTo(d.ExpectedTensorCount));
            Assert.That(list[0].Role, Is.EqualTo("token_embedding"));
            Assert.That(list[1].Role, Is.EqualTo("output_norm"));
            Assert.That(list[^1].Role, Is.EqualTo($"layers.{d.LayerCount - 1}.w_down"));
            Assert.That(list[^1].Shape, Is.EqualTo(new long[] { d.ModelDim, d.FeedForwardDim }));
        }
    }

    [Test]
    public void ZeroHashMatchesHashingZerosAcrossChunkBoundaries()
    {
        foreach (int length in new[] { 1, 7, TensorDataHash.ChunkBytes - 1, TensorDataHash.ChunkBytes, TensorDataHash.ChunkBytes + 3, 2 * TensorDataHash.ChunkBytes })
            Assert.That(TensorDataHash.OfZeros(length), Is.EqualTo(TensorDataHash.Compute(new byte[length])), $"length {length}");
        var data = new byte[TensorDataHash.ChunkBytes + 5];
        data[^1] = 1;
        Assert.That(TensorDataHash.Compute(data), Is.Not.EqualTo(TensorDataHash.OfZeros(data.Length)));
    }

    [Test]
    public void StreamingInAnyPiecesGivesTheSameHash()
    {
        Prop.ForAll(Gen.Choose(1, 3 * 1024).ToArbitrary(), Gen.Choose(1, 700).ToArbitrary(), (length, piece) =>
        {
            var data = new byte[length];
            new Random(length).NextBytes(data);
            using var hasher = new TensorDataHasher(length);
            for (int i = 0; i < length; i += piece) hasher.Append(data.AsSpan(i, Math.Min(piece, length - i)));
            return hasher.Finish().AsSpan().SequenceEqual(TensorDataHash.Compute(data));
        }).QuickCheckThrowOnFailure();
        using var h = new TensorDataHasher(4);
        h.Append(new byte[3]);
        Assert.Throws<ProofInputException>(() => h.Finish());
        Assert.Throws<ProofInputException>(() => h.Append(new byte[2]));
    }

    [Test]
    public void LeafRoundTripsAndRejectsInconsistentLengths()
    {
        var leaf = new TensorLeaf("layers.0.wq", TensorLeaf.F32, [64, 64], 64 * 64 * 4, TensorDataHash.OfZeros(64 * 64 * 4));
        var bytes = leaf.Encode();
        var back = TensorLeaf.Decode([.. bytes, 9, 9], out int consumed);
        Assert.That(consumed, Is.EqualTo(bytes.Length));
        Assert.That(back.Hash(), Is.EqualTo(leaf.Hash()));
        Assert.That(back.RoleSuffix, Is.EqualTo("wq"));
        Assert.Throws<ProofInputException>(() => (leaf with { ByteLength = 4 }).Encode());
        Assert.That(TensorLeaf.ByteLengthFor(TensorLeaf.Q8_0, [2, 64]), Is.EqualTo(2 * 2 * 34));
        Assert.That(TensorLeaf.ByteLengthFor(TensorLeaf.Q8_0, [2, 48]), Is.EqualTo(-1));
        Assert.That(TensorLeaf.ByteLengthFor(TensorLeaf.F32, [1L << 30, 1L << 30]), Is.EqualTo(-1), "overflow-sized shapes are refused, not wrapped");
        Assert.That(TensorLeaf.ByteLengthFor(9, [4]), Is.EqualTo(-1));
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<ProofInputException>(() => TensorLeaf.Decode(bytes.AsSpan(0, n), out _), $"truncated to {n}");
    }

    [Test]
    public void TensorPathsProveMembershipAndNothingElse()
    {
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), count =>
        {
            var leaves = Enumerable.Range(0, count).Select(i => TensorDataHash.Compute([(byte)i, 1])).ToList();
            var root = TensorMerkleTree.Root(leaves);
            for (int i = 0; i < count; i++)
            {
                var path = TensorMerkleTree.Path(leaves, i);
                if (!TensorMerkleTree.RootFromPath(leaves[i], i, count, path)!.AsSpan().SequenceEqual(root)) return false;
                var other = TensorMerkleTree.RootFromPath(leaves[(i + 1) % count], i, count, path);
                if (count > 1 && other is not null && other.AsSpan().SequenceEqual(root)) return false;
                var wrongCount = TensorMerkleTree.RootFromPath(leaves[i], i, count + 1, path);
                if (wrongCount is not null && wrongCount.AsSpan().SequenceEqual(root)) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
        // The tensor tree's tags differ from the proof window's: the same leaves give another root.
        var some = new List<byte[]> { new byte[32], new byte[32] };
        Assert.That(TensorMerkleTree.Root(some), Is.Not.EqualTo(WindowMerkleTree.Root(some)));
    }

    [Test]
    public void ModelIdCommitsToDescriptorAndRoot()
    {
        var d = Small().Encode();
        var root = new byte[32];
        var id = ModelCommitment.ModelId(d, root);
        Assert.That(id, Has.Length.EqualTo(32));
        root[0] = 1;
        Assert.That(ModelCommitment.ModelId(d, root), Is.Not.EqualTo(id));
        Assert.That(ModelCommitment.ModelId(Small(tied: false).Encode(), new byte[32]), Is.Not.EqualTo(id));
        Assert.Throws<ProofInputException>(() => ModelCommitment.ModelId(d, new byte[31]));
    }
}
