using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Vdf;

namespace TensorCash.Tests.Chain.Targets;

/// <summary>The VDF header rules on regtest: each "bad-vdf-…" reason, and that v and T reach the proof's binding.</summary>
public class HeaderVdfRulesTests
{
    private static readonly ChainParams Regtest = ChainParams.Regtest;
    private static readonly Hash256 Tiny = ChainParams.BuiltinTinyModelId;
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(25);

    /// <summary>A header after a parent with hash <paramref name="parent"/> that passes every rule before the VDF.</summary>
    private static (BlockHeader Header, HeaderContext Context, VdfTick Tick) Candidate(Hash256 parent)
    {
        var genesis = Regtest.Genesis.Header with { PrevBlock = parent }; // any parent header will do: the rules read its hash and time
        var context = new HeaderContext(1, genesis, genesis.Time, genesis.Time + 1000);
        var tick = BlockVdf.Evaluate(genesis.Hash, Regtest);
        uint bits = TargetCalculator.NextBits(context, Regtest);
        uint adjBits = TargetCalculator.AdjustedBits(bits, Regtest.Models[Tiny].Difficulty, Regtest);
        var header = new BlockHeader(1, genesis.Hash, Hashes.Sha256d([7]), genesis.Time + 120, bits, adjBits, Tiny, tick.Output, tick.Ticks, Hash256.Zero, 0);
        return (Grind(header), context, tick);
    }

    private static BlockHeader Grind(BlockHeader header)
    {
        var target = CompactBits.DecodeTarget(header.AdjBits)!.Value;
        while (header.Hash.ToBigInteger() > target) header = header with { Nonce = header.Nonce + 1 };
        return header;
    }

    private static string? Reason(BlockHeader header, byte[] evidence, HeaderContext context) =>
        HeaderRules.Check(header, evidence, context, Regtest, ModelRegistry.Genesis(Regtest))?.Reason;

    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    private static Hash256 Parent(int seed) => Hashes.Sha256d(BitConverter.GetBytes(seed));

    [Test]
    public void HonestTicksPass() =>
        Prop.ForAll(Seeds, seed =>
        {
            var (header, context, tick) = Candidate(Parent(seed));
            Assert.That(Reason(header, tick.Evidence, context), Is.Null);
            return true;
        }).Check(Quick);

    [Test]
    public void AWrongTIsBadVdfTicks()
    {
        var (header, context, tick) = Candidate(Parent(1));
        foreach (uint t in new[] { 0u, Regtest.VdfTicks - 1, Regtest.VdfTicks + 1, uint.MaxValue })
            Assert.That(Reason(Grind(header with { VdfTicks = t }), tick.Evidence, context), Is.EqualTo("bad-vdf-ticks"), $"T = {t}");
    }

    [Test]
    public void EvidenceOfTheWrongSizeIsBadVdfEncoding()
    {
        var (header, context, tick) = Candidate(Parent(2));
        Assert.That(Reason(header, [], context), Is.EqualTo("bad-vdf-encoding"));
        Assert.That(Reason(header, tick.Evidence[..^1], context), Is.EqualTo("bad-vdf-encoding"));
        Assert.That(Reason(header, [.. tick.Evidence, 0], context), Is.EqualTo("bad-vdf-encoding"));
        var badSign = (byte[])tick.Evidence.Clone();
        badSign[FormEncoding.EncodedBytes(Regtest.VdfDiscriminantBits)] = 7; // π's sign byte
        Assert.That(Reason(header, badSign, context), Is.EqualTo("bad-vdf-encoding"));
    }

    [Test]
    public void AnotherParentsEvidenceIsBadVdfDiscriminant() =>
        Prop.ForAll(Seeds, seed =>
        {
            var (header, context, _) = Candidate(Parent(seed));
            var (_, _, other) = Candidate(Parent(seed ^ 0x1234567));
            // The other parent's forms belong to its discriminant: 4a ∤ b² − D here (c is implied by the encoding).
            string? reason = Reason(header, other.Evidence, context);
            Assert.That(reason, Is.EqualTo("bad-vdf-discriminant").Or.EqualTo("bad-vdf-noncanonical"));
            return true;
        }).Check(Quick);

    [Test]
    public void ANonReducedOutputIsBadVdfNoncanonical()
    {
        var (header, context, tick) = Candidate(Parent(3));
        int bits = Regtest.VdfDiscriminantBits;
        var setup = VdfSetup.FromSeed(header.PrevBlock.ToArray(), bits);
        var y = FormEncoding.TryDecode(tick.Evidence.AsSpan(0, setup.FormBytes), setup.Discriminant, bits, out _)!.Value;
        // (c, −b, a) is the same class, not reduced when a < c; its a = c is too wide for the fixed encoding, so use the
        // translate (a, b ∓ 2a) instead, which fits whenever |b ∓ 2a| fits in w bytes.
        var unreduced = QuadraticForm.FromAB(y.A, y.B.Sign > 0 ? y.B - 2 * y.A : y.B + 2 * y.A, setup.Discriminant);
        int w = FormEncoding.CoefficientBytes(bits);
        Assume.That(System.Numerics.BigInteger.Abs(unreduced.B).GetByteCount(isUnsigned: true), Is.LessThanOrEqualTo(w));
        var evidence = (byte[])tick.Evidence.Clone();
        evidence[0] = unreduced.B.Sign < 0 ? (byte)1 : (byte)0;
        Array.Clear(evidence, 1 + w, w);
        var magnitude = System.Numerics.BigInteger.Abs(unreduced.B).ToByteArray(isUnsigned: true, isBigEndian: true);
        magnitude.CopyTo(evidence, 1 + 2 * w - magnitude.Length);
        Assert.That(Reason(header, evidence, context), Is.EqualTo("bad-vdf-noncanonical"));
    }

    [Test]
    public void AWrongVIsBadVdfOutput()
    {
        var (header, context, tick) = Candidate(Parent(4));
        Assert.That(Reason(Grind(header with { VdfOutput = Hashes.Sha256d([1]) }), tick.Evidence, context), Is.EqualTo("bad-vdf-output"));
        Assert.That(Reason(Grind(header with { VdfOutput = Hash256.Zero }), tick.Evidence, context), Is.EqualTo("bad-vdf-output"));
    }

    [Test]
    public void AWrongOutputOrProofIsBadVdfProof() =>
        Prop.ForAll(Seeds, seed =>
        {
            var (header, context, tick) = Candidate(Parent(seed));
            int bits = Regtest.VdfDiscriminantBits;
            var setup = VdfSetup.FromSeed(header.PrevBlock.ToArray(), bits);
            int formBytes = setup.FormBytes;
            var y = FormEncoding.TryDecode(tick.Evidence.AsSpan(0, formBytes), setup.Discriminant, bits, out _)!.Value;
            var pi = FormEncoding.TryDecode(tick.Evidence.AsSpan(formBytes), setup.Discriminant, bits, out _)!.Value;

            // A wrong y (y·g) with a header whose v names it: the proof no longer holds.
            var wrongY = setup.Group.Compose(y, setup.Generator);
            byte[] wrongOutput = [.. FormEncoding.Encode(wrongY, bits), .. FormEncoding.Encode(pi, bits)];
            var relabelled = Grind(header with { VdfOutput = new Hash256(WesolowskiVdf.OutputHash(wrongY, bits)) });
            Assert.That(Reason(relabelled, wrongOutput, context), Is.EqualTo("bad-vdf-proof"));

            // The honest y with a wrong π.
            byte[] wrongProof = [.. FormEncoding.Encode(y, bits), .. FormEncoding.Encode(setup.Group.Compose(pi, setup.Generator), bits)];
            Assert.That(Reason(header, wrongProof, context), Is.EqualTo("bad-vdf-proof"));
            return true;
        }).Check(Quick);

    [Test]
    public void AnAcceptedVerdictIsCachedButVStillHasToMatch()
    {
        var (header, context, tick) = Candidate(Parent(5));
        Assert.That(Reason(header, tick.Evidence, context), Is.Null);
        Assert.That(Reason(header, tick.Evidence, context), Is.Null, "again, from the cache");
        Assert.That(Reason(Grind(header with { VdfOutput = Hashes.Sha256d([2]) }), tick.Evidence, context), Is.EqualTo("bad-vdf-output"));
    }

    [Test]
    public void TheDrawsBindToTheHeadersVAndT()
    {
        var (header, _, tick) = Candidate(Parent(6));
        var binding = BlockProofBinding.For(header);
        Assert.That(binding.VdfOutput, Is.EqualTo(tick.Output.ToArray()));
        Assert.That(binding.VdfTick, Is.EqualTo((ulong)Regtest.VdfTicks));
        // Two parents give two different v (the discriminant is seeded by the parent), so equal T does not make equal draws.
        var (other, _, _) = Candidate(Parent(7));
        Assert.That(BlockProofBinding.For(other).VdfOutput, Is.Not.EqualTo(binding.VdfOutput));
    }

    [Test]
    public void EveryNetworkHasAVdfAndTheEvidenceFitsTheParseCap()
    {
        foreach (var p in new[] { ChainParams.Main, ChainParams.Testnet, ChainParams.Regtest })
        {
            Assert.That(VdfProofCodec.EncodedBytes(p.VdfDiscriminantBits), Is.LessThanOrEqualTo(Block.MaxVdfProofBytes), p.Network.ToString());
            Assert.That(p.VdfTicks, Is.GreaterThan((uint)HashToPrime.PrimeBits), "T > 256 so that π is not the identity");
        }
        Assert.That(ChainParams.Main.VdfDiscriminantBits, Is.EqualTo(1024));
        Assert.That(VdfProofCodec.EncodedBytes(VdfDiscriminant.MaxBits), Is.EqualTo(Block.MaxVdfProofBytes));
    }
}
