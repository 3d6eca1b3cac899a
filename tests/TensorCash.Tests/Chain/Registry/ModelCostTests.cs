using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Registry;
using TensorCash.Engine.Builtin;
using TensorCash.Proof.Models;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

public class ModelCostTests
{
    private const ulong N = ChainParams.StandardModelNormaliser;

    [Test]
    public void BuiltinTinyKeepsTheNeutralDifficultyWhereItIsTheReference()
    {
        foreach (var p in new[] { ChainParams.Regtest, ChainParams.Testnet })
        {
            var tiny = p.Models[Tiny];
            ulong cost = ModelCost.CostUnits(ChainParams.BuiltinTinyDescriptor, WeightDTypes.F32, tiny.Profile);
            Assert.That(p.Registry.ReferenceCost, Is.EqualTo(cost), $"{p.Network}: C_ref is tiny's own cost");
            Assert.That(ModelCost.Difficulty(cost, p), Is.EqualTo(N), $"{p.Network}: D_m = N exactly");
            Assert.That(tiny.Difficulty, Is.EqualTo(N));
            Assert.That(tiny.Cost, Is.EqualTo(cost));
            Assert.That(ModelRegistry.Genesis(p).ActiveModel(Tiny)!.Difficulty, Is.EqualTo(N));
        }
    }

    [Test]
    public void TinyCostsAreTheFormulasByHand()
    {
        // P = 4·(128·128 + 2·128·64 + 128·128 + 3·128·352) + 128·264 = 771 072 matrix weights.
        // W 16, S 8: t̄ = 17. Per position 2P + 4·4·128·17; per step 600 000 + 100·264 + (4P bytes, all on chip)/2.
        ulong perPosition = 2 * 771_072ul + 34_816, perStep = 600_000 + 26_400 + 4 * 771_072ul / 2;
        Assert.That(ChainParams.Regtest.Registry.ReferenceCost, Is.EqualTo((8 + 16) * perPosition + 16 * perStep));
        Assert.That(ChainParams.Regtest.Registry.ReferenceCost, Is.EqualTo(72_543_744ul));
        // W 64: t̄ = 41, so 4·4·128·41 = 83 968 of attention per position.
        Assert.That(ChainParams.Testnet.Registry.ReferenceCost, Is.EqualTo((8 + 64) * (2 * 771_072ul + 83_968) + 64 * perStep));
        Assert.That(ChainParams.Testnet.Registry.ReferenceCost, Is.EqualTo(255_866_880ul));
        // Main's reference: P = 1 235 746 816, BF16 (2P bytes: 11 000 000 on chip at 1/2, the rest at 5 per byte).
        ulong p = 1_235_746_816;
        ulong mainPerPosition = 2 * p + 4ul * 16 * 2048 * 41;
        ulong mainPerStep = 600_000 + 100 * 128_256ul + (11_000_000 + (2 * p - 11_000_000) * 10) / 2;
        Assert.That(ChainParams.Main.Registry.ReferenceCost, Is.EqualTo(72 * mainPerPosition + 64 * mainPerStep));
        Assert.That(ChainParams.Main.Registry.ReferenceCost, Is.EqualTo(966_903_666_688ul));
        Assert.That(ChainParams.Main.Models[Tiny].Difficulty, Is.EqualTo(N * 966_903_666_688 / 255_866_880));
    }

    [Test]
    public void BuiltinTinyDescriptorIsTheEnginesTinySpec()
    {
        var spec = BuiltinModels.TinySpec;
        var d = ChainParams.BuiltinTinyDescriptor;
        Assert.That(d.Architecture, Is.EqualTo((byte)spec.Architecture));
        Assert.That((d.LayerCount, d.ModelDim, d.HeadCount, d.KvHeadCount, d.FeedForwardDim, d.VocabSize, d.MaxSequenceLength),
            Is.EqualTo((spec.Layers, spec.ModelDim, spec.Heads, spec.KvHeads, spec.FeedForwardDim, spec.VocabSize, spec.MaxSequenceLength)));
        Assert.That(d.HeadDim, Is.EqualTo(spec.ModelDim / spec.Heads));
        Assert.That(d.RmsNormEpsBits, Is.EqualTo(BitConverter.SingleToUInt32Bits(spec.RmsNormEps)));
        Assert.That(d.RopeThetaBits, Is.EqualTo(BitConverter.DoubleToUInt64Bits(spec.RopeTheta)));
        Assert.That((d.TiedEmbeddings, d.AttentionBias, d.RopeScaling), Is.EqualTo((spec.TiedEmbeddings, false, (RopeScalingDescriptor?)null)));
        Assert.DoesNotThrow(d.Validate);
    }

    [Test]
    public void DifficultyIsClampedAndNeedsAFiniteCost()
    {
        Assert.That(ModelCost.Difficulty(1, N, ulong.MaxValue), Is.EqualTo(ModelCost.MaxDifficulty));
        Assert.That(ModelCost.Difficulty(ulong.MaxValue, N, 1), Is.EqualTo(1ul));
        Assert.That(ModelCost.Difficulty(2, N, 1), Is.EqualTo(N / 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelCost.Difficulty(0, N, 1));
    }

    [Test]
    public void NoCostForAnInvalidDescriptorOrAnUnknownDType()
    {
        Assert.That(ModelCost.CostUnits(SmallDescriptor() with { LayerCount = 0 }, WeightDTypes.F32, Profile()), Is.Zero);
        Assert.That(ModelCost.CostUnits(SmallDescriptor(), 4, Profile()), Is.Zero);
    }

    [Test]
    public void TheLargestDescriptorsHaveAFiniteCostInEveryDType()
    {
        // Every limit of ModelDescriptor.Validate at once: the cost stays below 2^64 (about 2^58), so "bad-reg-audit" (no
        // finite cost) cannot be reached by a descriptor that validates.
        var largest = new ModelDescriptor(0, ModelDescriptor.MaxLayers, ModelDescriptor.MaxDim, 256, 1, 256, ModelDescriptor.MaxDim,
            ModelDescriptor.MaxVocab, ModelDescriptor.MaxSequence, 0, 0, false, true, null);
        Assert.DoesNotThrow(largest.Validate);
        var wideProfile = new TensorCash.Proof.ProofProfile(Profile().Decode, 64, TensorCash.Proof.ProofDigest.MaxWindowSize,
            TensorCash.Proof.PrecisionTag.F32, ModelDescriptor.MaxVocab, TensorCash.Proof.ProofProfile.MaxSaltTokens, 1024);
        for (byte dtype = 0; dtype <= WeightDTypes.Q8_0; dtype++)
        {
            ulong cost = ModelCost.CostUnits(largest, dtype, wideProfile);
            Assert.That(cost, Is.GreaterThan(0ul).And.LessThan(1ul << 60), WeightDTypes.Name(dtype));
            Assert.That(ModelCost.Difficulty(cost, ChainParams.Main), Is.GreaterThanOrEqualTo(1ul));
        }
    }

    [Test]
    public void CostGrowsWithLayersDimensionsAndBytesPerWeight() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int heads = 1 << random.Next(0, 5), headDim = 2 * random.Next(1, 65);
            int kvHeads = Math.Max(1, heads >> random.Next(0, 3)); // a power of two that divides heads
            var d = new ModelDescriptor(0, random.Next(1, 64), random.Next(1, 4096), heads, kvHeads,
                headDim, random.Next(1, 8192), random.Next(2, 200_000), 4096, 0, 0, random.Next(2) == 0, false, null);
            var profile = Profile();
            ulong cost = ModelCost.CostUnits(d, WeightDTypes.BF16, profile);
            Assert.That(cost, Is.GreaterThan(0ul), d.ToString());
            if (d.LayerCount < ModelDescriptor.MaxLayers)
                Assert.That(ModelCost.CostUnits(d with { LayerCount = d.LayerCount + 1 }, WeightDTypes.BF16, profile), Is.GreaterThan(cost), "one more layer");
            Assert.That(ModelCost.CostUnits(d with { ModelDim = d.ModelDim + 1 }, WeightDTypes.BF16, profile), Is.GreaterThan(cost), "a wider model");
            Assert.That(ModelCost.CostUnits(d with { FeedForwardDim = d.FeedForwardDim + 1 }, WeightDTypes.BF16, profile), Is.GreaterThan(cost), "a wider FFN");
            Assert.That(ModelCost.CostUnits(d, WeightDTypes.F32, profile), Is.GreaterThan(cost), "F32 streams more bytes than BF16");
            Assert.That(ModelCost.CostUnits(d, WeightDTypes.Q8_0, profile), Is.LessThan(cost), "Q8_0 streams fewer");
            // D_m falls as the cost rises.
            Assert.That(ModelCost.Difficulty(ModelCost.CostUnits(d with { LayerCount = d.LayerCount + 1 }, WeightDTypes.BF16, profile), ChainParams.Main),
                Is.LessThanOrEqualTo(ModelCost.Difficulty(cost, ChainParams.Main)));
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
}
