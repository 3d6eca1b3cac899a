using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using TensorCash.Proof.Models;
using TensorCash.Proving;
using TensorCash.Tests.Formats;

namespace TensorCash.Tests.Proving;

/// <summary>ModelIdentity V2 (docs/protocol/registry.md §1): descriptor, leaves in canonical order, tensor root, id.</summary>
public class ModelIdentityV2Tests
{
    [Test]
    public void TheIdIsTheV2CommitmentOfDescriptorAndRoot()
    {
        using var weights = BuiltinModels.Load(BuiltinModels.TinyName);
        var identity = ModelIdentity.Compute(weights);
        Assert.That(identity.Id, Is.EqualTo(ModelCommitment.ModelId(identity.DescriptorBytes, identity.TensorRoot)));
        Assert.That(ModelDescriptor.Decode(identity.DescriptorBytes), Is.EqualTo(identity.Descriptor));
        Assert.That(identity.DescriptorBytes, Is.EqualTo(identity.Descriptor.Encode()));
        var d = identity.Descriptor;
        var c = weights.Config;
        Assert.That((d.Architecture, d.LayerCount, d.ModelDim, d.HeadCount, d.KvHeadCount, d.HeadDim, d.FeedForwardDim, d.VocabSize, d.MaxSequenceLength),
            Is.EqualTo(((byte)0, 4, 128, 4, 2, 32, 352, 264, 2048)));
        Assert.That(d.RmsNormEpsBits, Is.EqualTo(BitConverter.SingleToUInt32Bits(c.RmsNormEps)));
        Assert.That(d.RopeThetaBits, Is.EqualTo(BitConverter.DoubleToUInt64Bits(10000.0)));
        Assert.That((d.TiedEmbeddings, d.AttentionBias, d.RopeScaling), Is.EqualTo((true, false, (RopeScalingDescriptor?)null)));
        Assert.That(identity.WeightDType, Is.EqualTo(TensorDType.F32));
        Assert.That(identity.ToKnownModel().Id, Is.EqualTo(identity.Id));
    }

    [TestCase(false, false)]
    [TestCase(true, true)]
    public void LeavesFollowExpectedTensorsAndEveryPathVerifies(bool tied, bool bias)
    {
        var spec = FormatTestSupport.SmallSpec() with { TiedEmbeddings = tied, AttentionBias = bias };
        using var weights = RandomModelFactory.CreateWeights(spec, TensorDType.BF16);
        var identity = ModelIdentity.Compute(weights);
        var expected = identity.Descriptor.ExpectedTensors();
        Assert.That(identity.Leaves.Select(l => l.Role), Is.EqualTo(expected.Select(e => e.Role)));
        Assert.That(identity.Leaves.Select(l => l.Shape), Is.EqualTo(expected.Select(e => e.Shape)));
        Assert.That(identity.Leaves.Count, Is.EqualTo(identity.Descriptor.ExpectedTensorCount));
        var tensors = ModelIdentity.TensorsInOrder(weights, identity.Descriptor);
        var hashes = identity.Leaves.Select(l => l.Hash()).ToList();
        Assert.That(TensorMerkleTree.Root(hashes), Is.EqualTo(identity.TensorRoot));
        for (int i = 0; i < identity.Leaves.Count; i++)
        {
            var leaf = identity.Leaves[i];
            Assert.That(leaf.DType, Is.EqualTo((byte)tensors[i].View.DType));
            Assert.That(leaf.ByteLength, Is.EqualTo(tensors[i].View.ByteLength));
            Assert.That(leaf.DataHash, Is.EqualTo(TensorDataHash.Compute(FormatTestSupport.Bytes(tensors[i].View))), leaf.Role);
            Assert.That(TensorLeaf.Decode(leaf.Encode(), out _), Is.EqualTo(leaf).Using<TensorLeaf>(SameLeaf));
            var path = TensorMerkleTree.Path(hashes, i);
            Assert.That(TensorMerkleTree.RootFromPath(hashes[i], i, hashes.Count, path), Is.EqualTo(identity.TensorRoot), leaf.Role);
        }
        Assert.That(identity.WeightDType, Is.EqualTo(TensorDType.BF16));
    }

    private static bool SameLeaf(TensorLeaf a, TensorLeaf b) => a.Hash().AsSpan().SequenceEqual(b.Hash());

    [Test]
    public unsafe void ChangingAnyTensorByteChangesTheId()
    {
        using var weights = RandomModelFactory.CreateWeights(FormatTestSupport.SmallSpec(), TensorDType.F32);
        var identity = ModelIdentity.Compute(weights);
        var tensors = ModelIdentity.TensorsInOrder(weights, identity.Descriptor);
        var seen = new HashSet<string> { identity.Hex };
        for (int i = 0; i < tensors.Count; i++)
        {
            var view = tensors[i].View;
            byte* p = (byte*)view.Data + view.ByteLength / 2;
            *p ^= 0x01;
            try
            {
                var changed = ModelIdentity.Compute(weights);
                Assert.That(seen.Add(changed.Hex), Is.True, $"flipping a bit of {tensors[i].Role} gave a known id");
                Assert.That(changed.Leaves.Select((l, j) => j != i == l.Hash().AsSpan().SequenceEqual(identity.Leaves[j].Hash())), Is.All.True,
                    "only that tensor's leaf changes");
            }
            finally
            {
                *p ^= 0x01;
            }
        }
        Assert.That(ModelIdentity.Compute(weights).Hex, Is.EqualTo(identity.Hex));
    }

    [TestCase(TensorDType.F32)]
    [TestCase(TensorDType.BF16)]
    public void GgufAndSafetensorsOfTheSameWeightsHaveOneId(TensorDType dtype)
    {
        string dir = FormatTestSupport.NewTempDir();
        try
        {
            var spec = FormatTestSupport.SmallSpec();
            var model = RandomModelFactory.Create(spec);
            string gguf = Path.Combine(dir, "m.gguf"), hf = Path.Combine(dir, "hf");
            GgufWriter.Write(model, gguf, dtype, GgufVocabulary.ByteLevel(spec.VocabSize));
            SafetensorsWriter.Write(model, hf, dtype);
            using var a = ModelLoader.Load(gguf);
            using var b = ModelLoader.Load(hf);
            using var memory = RandomModelFactory.CreateWeights(spec, dtype);
            var ida = ModelIdentity.Compute(a);
            var idb = ModelIdentity.Compute(b);
            if (dtype != TensorDType.F32)
            {
                // GGUF keeps 1-D tensors in F32 while safetensors stores every tensor in the dtype: different bytes, different ids.
                Assert.That(ida.Hex, Is.Not.EqualTo(idb.Hex));
                Assert.That(idb.Hex, Is.EqualTo(ModelIdentity.Compute(memory).Hex));
                return;
            }
            Assert.That(ida.Hex, Is.EqualTo(idb.Hex));
            Assert.That(ida.Hex, Is.EqualTo(ModelIdentity.Compute(memory).Hex));
            Assert.That(ida.TensorRoot, Is.EqualTo(idb.TensorRoot));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void NanoAndTinyDiffer()
    {
        using var tiny = BuiltinModels.Load(BuiltinModels.TinyName);
        using var nano = BuiltinModels.Load(BuiltinModels.NanoName);
        var a = ModelIdentity.Compute(tiny);
        var b = ModelIdentity.Compute(nano);
        Assert.That(a.Hex, Is.Not.EqualTo(b.Hex));
        Assert.That(b.Descriptor.LayerCount, Is.EqualTo(2));
        Assert.That(b.Descriptor.ModelDim, Is.EqualTo(64));
        Assert.That(b.Leaves, Has.Count.EqualTo(2 + 2 * 9));
    }
}
