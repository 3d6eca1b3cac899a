using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Vdf;

namespace TensorCash.Tests.Chain.Vdf;

/// <summary>Evaluation, proof and verification; every way to get a wrong output, proof or T accepted is refused.</summary>
public class WesolowskiVdfTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(40);
    private const int Bits = 256;

    private static byte[] Seed(int n)
    {
        var seed = new byte[32];
        BitConverter.TryWriteBytes(seed, n);
        return seed;
    }

    private static Arbitrary<(int Seed, int Ticks)> Cases =>
        Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(1, 600)).ToArbitrary();

    [Test]
    public void TheOutputIsTSquaringsAndTheProofIsGToTheQuotient()
    {
        var setup = VdfSetup.FromSeed(Seed(1), Bits);
        const ulong ticks = 300;
        var result = WesolowskiVdf.Evaluate(setup, ticks);
        var group = setup.Group;
        Assert.That(result.Output, Is.EqualTo(group.Power(setup.Generator, BigInteger.One << (int)ticks)));
        var challenge = WesolowskiVdf.Challenge(setup, ticks, result.Output);
        Assert.That(challenge.GetBitLength(), Is.EqualTo(HashToPrime.PrimeBits));
        Assert.That(PrimalityTest.IsProbablePrime(challenge));
        Assert.That(result.Proof, Is.EqualTo(group.Power(setup.Generator, (BigInteger.One << (int)ticks) / challenge)));
        Assert.That(WesolowskiVdf.Verify(setup, ticks, result.Output, result.Proof), Is.Null);
    }

    [Test]
    public void HonestEvidenceVerifiesForAnySeedAndT() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var result = WesolowskiVdf.Evaluate(setup, (ulong)c.Ticks);
            var bytes = VdfProofCodec.Encode(result, 128);
            Assert.That(VdfProofCodec.DecodeAndVerify(bytes, setup, (ulong)c.Ticks, out var rejection), Is.EqualTo(result), rejection?.ToString());
            return true;
        }).Check(Quick);

    [Test]
    public void AWrongOutputIsRejected() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var result = WesolowskiVdf.Evaluate(setup, (ulong)c.Ticks);
            // y·g and y²: valid reduced forms of D that are not g^(2^T).
            foreach (var wrong in new[] { setup.Group.Compose(result.Output, setup.Generator), setup.Group.Square(result.Output) })
                Assert.That(WesolowskiVdf.Verify(setup, (ulong)c.Ticks, wrong, result.Proof)?.Reason, Is.EqualTo(VdfRejectReason.Proof));
            return true;
        }).Check(Quick);

    [Test]
    public void AWrongProofIsRejected() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var result = WesolowskiVdf.Evaluate(setup, (ulong)c.Ticks);
            // For T < 256 the honest π is the identity (⌊2^T/ℓ⌋ = 0), so only forms other than the honest π are wrong.
            foreach (var wrong in new[] { setup.Group.Compose(result.Proof, setup.Generator), setup.Group.Identity, result.Output }.Where(f => f != result.Proof))
                Assert.That(WesolowskiVdf.Verify(setup, (ulong)c.Ticks, result.Output, wrong)?.Reason, Is.EqualTo(VdfRejectReason.Proof));
            return true;
        }).Check(Quick);

    [Test]
    public void AWrongTIsRejected() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var result = WesolowskiVdf.Evaluate(setup, (ulong)c.Ticks);
            foreach (ulong wrong in new[] { (ulong)c.Ticks + 1, (ulong)c.Ticks - 1 is 0 ? 2UL : (ulong)c.Ticks - 1, (ulong)c.Ticks * 2 })
                Assert.That(WesolowskiVdf.Verify(setup, wrong, result.Output, result.Proof)?.Reason, Is.EqualTo(VdfRejectReason.Proof), $"T = {wrong}");
            return true;
        }).Check(Quick);

    [Test]
    public void EvidenceForAnotherSeedIsRejected()
    {
        var setup = VdfSetup.FromSeed(Seed(1), Bits);
        var other = VdfSetup.FromSeed(Seed(2), Bits);
        var result = WesolowskiVdf.Evaluate(other, 100);
        Assert.That(WesolowskiVdf.Verify(setup, 100, result.Output, result.Proof)?.Reason, Is.EqualTo(VdfRejectReason.Discriminant));
        VdfProofCodec.DecodeAndVerify(VdfProofCodec.Encode(result, Bits), setup, 100, out var rejection);
        Assert.That(rejection?.Reason, Is.EqualTo(VdfRejectReason.Discriminant), rejection?.ToString());
    }

    [Test]
    public void AFormOfAnotherDiscriminantIsRejected() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var other = VdfSetup.FromSeed(Seed(c.Seed ^ 0x5a5a5a5a), 128);
            var foreign = other.Group.Power(other.Generator, (BigInteger)c.Ticks * 1_000_003 + 17);
            var honest = WesolowskiVdf.Evaluate(setup, 5);
            Assert.That(WesolowskiVdf.Verify(setup, 5, foreign, honest.Proof)?.Reason, Is.EqualTo(VdfRejectReason.Discriminant));
            Assert.That(WesolowskiVdf.Verify(setup, 5, honest.Output, foreign)?.Reason, Is.EqualTo(VdfRejectReason.Discriminant));
            // Serialized, (a, b) of the foreign form: c is implied, so 4a ∤ b² − D gives it away (unless, by chance, it is a form of D too).
            var bytes = FormEncoding.Encode(foreign, 128);
            var decoded = FormEncoding.TryDecode(bytes, setup.Discriminant, 128, out var rejection);
            if (decoded is null) Assert.That(rejection!.Reason, Is.EqualTo(VdfRejectReason.Discriminant).Or.EqualTo(VdfRejectReason.NotReduced));
            return true;
        }).Check(Quick);

    [Test]
    public void ANonReducedFormIsRejected() =>
        Prop.ForAll(Cases, c =>
        {
            var setup = VdfSetup.FromSeed(Seed(c.Seed), 128);
            var result = WesolowskiVdf.Evaluate(setup, (ulong)c.Ticks);
            // The same class, unreduced: b translated by 2a (the encoding of (a, b + 2a) is still 2w + 1 bytes when it fits).
            var y = result.Output;
            var unreduced = QuadraticForm.FromAB(y.A, y.B - 2 * y.A, setup.Discriminant);
            Assert.That(unreduced.Reduced(), Is.EqualTo(y));
            Assert.That(WesolowskiVdf.Verify(setup, (ulong)c.Ticks, unreduced, result.Proof)?.Reason, Is.EqualTo(VdfRejectReason.NotReduced));
            Assert.That(WesolowskiVdf.Verify(setup, (ulong)c.Ticks, y, new QuadraticForm(result.Proof.C, -result.Proof.B, result.Proof.A) is var swapped && swapped != result.Proof ? swapped : unreduced)?.Reason,
                Is.EqualTo(VdfRejectReason.NotReduced));
            var bytes = VdfProofCodec.Encode(result, 128);
            int w = FormEncoding.CoefficientBytes(128);
            // Hand-encode (a, b − 2a): |b − 2a| ≤ 3a may still fit in w bytes; when it does, the decoder says NotReduced.
            var magnitude = BigInteger.Abs(unreduced.B);
            if (magnitude.GetByteCount(isUnsigned: true) <= w)
            {
                bytes[0] = unreduced.B.Sign < 0 ? (byte)1 : (byte)0;
                Array.Clear(bytes, 1 + w, w);
                magnitude.TryWriteBytes(bytes.AsSpan(1 + w + w - magnitude.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
                VdfProofCodec.DecodeAndVerify(bytes, setup, (ulong)c.Ticks, out var rejection);
                Assert.That(rejection?.Reason, Is.EqualTo(VdfRejectReason.NotReduced), rejection?.ToString());
            }
            return true;
        }).Check(Quick);

    [Test]
    public void MalformedEncodingsAreRejectedBeforeAnyArithmetic()
    {
        var setup = VdfSetup.FromSeed(Seed(3), Bits);
        var result = WesolowskiVdf.Evaluate(setup, 50);
        var bytes = VdfProofCodec.Encode(result, Bits);
        Assert.That(bytes, Has.Length.EqualTo(VdfProofCodec.EncodedBytes(Bits)).And.Length.EqualTo(66));
        VdfRejectReason? Reason(byte[] b)
        {
            VdfProofCodec.DecodeAndVerify(b, setup, 50, out var rejection);
            return rejection?.Reason;
        }
        Assert.That(Reason(bytes), Is.Null);
        Assert.That(Reason(bytes[..^1]), Is.EqualTo(VdfRejectReason.Encoding), "short");
        Assert.That(Reason([.. bytes, 0]), Is.EqualTo(VdfRejectReason.Encoding), "long");
        Assert.That(Reason([]), Is.EqualTo(VdfRejectReason.Encoding), "empty");
        var badSign = (byte[])bytes.Clone();
        badSign[0] = 2;
        Assert.That(Reason(badSign), Is.EqualTo(VdfRejectReason.Encoding), "sign byte 2");
        var zeroA = (byte[])bytes.Clone();
        Array.Clear(zeroA, 1, FormEncoding.CoefficientBytes(Bits));
        Assert.That(Reason(zeroA), Is.EqualTo(VdfRejectReason.Encoding), "a = 0");
        // Negative zero: b = 0 with the sign byte set. Build it on the identity-free form (a, 0, …) whenever b is 0 — here
        // simply flip the sign byte of an encoding whose b is forced to zero.
        var negativeZero = (byte[])bytes.Clone();
        negativeZero[0] = 1;
        Array.Clear(negativeZero, 1 + FormEncoding.CoefficientBytes(Bits), FormEncoding.CoefficientBytes(Bits));
        Assert.That(Reason(negativeZero), Is.EqualTo(VdfRejectReason.Encoding), "negative zero");
        var flipped = (byte[])bytes.Clone();
        flipped[^1] ^= 1;
        Assert.That(Reason(flipped), Is.Not.Null, "one flipped bit of π");
        Assert.That(Reason(flipped), Is.Not.EqualTo(VdfRejectReason.Encoding));
    }

    [Test]
    public void AllOnesCoefficientsCannotOverflowTheArithmetic()
    {
        // The largest a and b the fixed width admits: rejected by the discriminant or reduction check, never computed on.
        var setup = VdfSetup.FromSeed(Seed(4), Bits);
        var bytes = Enumerable.Repeat((byte)0xff, VdfProofCodec.EncodedBytes(Bits)).ToArray();
        bytes[0] = 0;
        bytes[FormEncoding.EncodedBytes(Bits)] = 0;
        VdfProofCodec.DecodeAndVerify(bytes, setup, 50, out var rejection);
        Assert.That(rejection?.Reason, Is.EqualTo(VdfRejectReason.Discriminant).Or.EqualTo(VdfRejectReason.NotReduced));
    }

    [Test]
    public void TOutsideTheSupportedRangeThrows()
    {
        var setup = VdfSetup.FromSeed(Seed(5), 128);
        Assert.Throws<ArgumentOutOfRangeException>(() => WesolowskiVdf.Evaluate(setup, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WesolowskiVdf.Evaluate(setup, WesolowskiVdf.MaxTicks + 1));
    }

    [TestCase(1UL, 1)]
    [TestCase(512UL, 4)]
    [TestCase(1000UL, 5)]
    [TestCase(1_000_000UL, 12)]
    public void ChunkSizeBalancesCheckpointsAndBuckets(ulong ticks, int expected) =>
        Assert.That(WesolowskiVdf.ChunkBits(ticks), Is.EqualTo(expected));
}
