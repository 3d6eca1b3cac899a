using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Serialization;
using TensorCash.Proof.Models;
using TensorCash.Proof.Transcript;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>The registry's byte formats: registration and fraud-proof payloads, and the per-block action record.</summary>
public class RegistryEncodingTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(150);

    private static string Reason(Action decode)
    {
        var e = Assert.Throws<RegistryFormatException>(() => decode());
        return e!.Reason;
    }

    [Test]
    public void RegistrationsRoundTrip() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var registration = RegistryGenerators.Registration(new Random(seed));
            byte[] bytes = registration.Encode();
            Assert.That(bytes.Length, Is.LessThanOrEqualTo(ModelRegistration.MaxPayloadBytes));
            var back = ModelRegistration.Decode(bytes);
            Assert.That(back, Is.EqualTo(registration));
            Assert.That(back.Encode(), Is.EqualTo(bytes));
            return true;
        }).Check(Quick);

    [Test]
    public void EveryTruncationAndAnyTrailingByteIsAnEncodingError()
    {
        byte[] bytes = Registration(Commit()).Encode();
        for (int n = 0; n < bytes.Length; n++)
            Assert.That(Reason(() => ModelRegistration.Decode(bytes.AsSpan(0, n))), Is.EqualTo("bad-reg-encoding"), $"truncated to {n}");
        Assert.That(Reason(() => ModelRegistration.Decode([.. bytes, 0])), Is.EqualTo("bad-reg-encoding"));
        Assert.That(Reason(() => ModelRegistration.Decode([2, .. bytes[1..]])), Is.EqualTo("bad-reg-encoding"), "version 2");
        Assert.That(Reason(() => ModelRegistration.Decode(new byte[ModelRegistration.MaxPayloadBytes + 1])), Is.EqualTo("bad-reg-encoding"), "oversized");
        Assert.That(ModelRegistration.MaxPayloadBytes, Is.EqualTo(992), "docs/protocol/registry.md §2");
    }

    /// <summary>Offset of the descriptor's u16 length in <paramref name="registration"/>'s encoding.</summary>
    private static int DescriptorOffset(ModelRegistration registration) =>
        1 + 1 + registration.Name.Length + 1 + registration.Repository.Length + 1 + registration.Commit.Length + 32;

    [Test]
    public void ADescriptorThatDoesNotDecodeIsAnArchitectureErrorAndAnOverlongOneAnEncodingError()
    {
        var registration = Registration(Commit());
        byte[] bytes = registration.Encode();
        int at = DescriptorOffset(registration);
        var invalid = (byte[])bytes.Clone();
        invalid[at + 2] = 9; // architecture 9
        Assert.That(Reason(() => ModelRegistration.Decode(invalid)), Is.EqualTo("bad-reg-architecture"));
        var overlong = (byte[])bytes.Clone();
        overlong[at] = ModelDescriptor.MaxEncodedBytes + 1;
        Assert.That(Reason(() => ModelRegistration.Decode(overlong)), Is.EqualTo("bad-reg-encoding"));
    }

    [Test]
    public void AProfileThatDoesNotDecodeIsAProfileError()
    {
        byte[] bytes = Registration(Commit()).Encode();
        var badPrecision = (byte[])bytes.Clone();
        badPrecision[^TranscriptCodec.ProfileBytes] = 0x09;
        Assert.That(Reason(() => ModelRegistration.Decode(badPrecision)), Is.EqualTo("bad-reg-profile"));
    }

    [Test]
    public void EncodeRefusesWhatTheLayoutCannotHold()
    {
        var registration = Registration(Commit());
        Assert.Throws<ArgumentException>(() => (registration with { Name = new string('a', 256) }).Encode());
        Assert.Throws<ArgumentException>(() => (registration with { Repository = "\u0100" }).Encode());
        Assert.Throws<ArgumentException>(() => (registration with { Commit = new byte[256] }).Encode());
    }

    [Test]
    public void FraudProofsRoundTrip() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var proof = RegistryGenerators.FraudProof(new Random(seed));
            byte[] bytes = proof.Encode();
            var back = ModelFraudProof.Decode(bytes);
            Assert.That(back.Encode(), Is.EqualTo(bytes));
            Assert.That((back.ModelId, back.Kind, back.LeafCount, back.Tensor.Index), Is.EqualTo((proof.ModelId, proof.Kind, proof.LeafCount, proof.Tensor.Index)));
            Assert.That(back.Tensor.Leaf.Hash(), Is.EqualTo(proof.Tensor.Leaf.Hash()));
            Assert.That(back.Other is null, Is.EqualTo(proof.Kind != FraudKind.DuplicateTensor));
            return true;
        }).Check(Quick);

    [Test]
    public void FraudProofTruncationTrailingBytesAndLimitsAreEncodingErrors()
    {
        var random = new Random(5);
        foreach (var kind in new[] { FraudKind.ZeroTensor, FraudKind.DuplicateTensor, FraudKind.Layout })
        {
            ModelFraudProof proof;
            do proof = RegistryGenerators.FraudProof(random); while (proof.Kind != kind);
            byte[] bytes = proof.Encode();
            for (int n = 0; n < bytes.Length; n++)
                Assert.That(Reason(() => ModelFraudProof.Decode(bytes.AsSpan(0, n))), Is.EqualTo("bad-challenge-encoding"), $"{kind} truncated to {n}");
            Assert.That(Reason(() => ModelFraudProof.Decode([.. bytes, 0])), Is.EqualTo("bad-challenge-encoding"), $"{kind} trailing");
        }
        var model = Commit();
        var valid = new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0)).Encode();
        Assert.That(Reason(() => ModelFraudProof.Decode([2, .. valid[1..]])), Is.EqualTo("bad-challenge-encoding"), "version 2");
        var kind4 = (byte[])valid.Clone();
        kind4[33] = 4;
        Assert.That(Reason(() => ModelFraudProof.Decode(kind4)), Is.EqualTo("bad-challenge-encoding"), "kind 4");
        Assert.That(Reason(() => ModelFraudProof.Decode(new byte[ModelFraudProof.MaxPayloadBytes + 1])), Is.EqualTo("bad-challenge-encoding"), "oversized");

        var longPath = new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0) with { Path = Enumerable.Repeat(new byte[32], 33).ToArray() });
        Assert.That(Reason(() => ModelFraudProof.Decode(longPath.Encode())), Is.EqualTo("bad-challenge-encoding"), "33 path nodes");
        var leafBytes = model.Leaves[0].Encode().Length;
        var hugeIndex = (byte[])valid.Clone();
        hugeIndex[34 + leafBytes + 3] = 0x80; // index 2^31
        Assert.That(Reason(() => ModelFraudProof.Decode(hugeIndex)), Is.EqualTo("bad-challenge-encoding"), "index above int.MaxValue");
        var badLeaf = (byte[])valid.Clone();
        badLeaf[34] = 0; // role length 0
        Assert.That(Reason(() => ModelFraudProof.Decode(badLeaf)), Is.EqualTo("bad-challenge-encoding"), "invalid leaf");
    }

    [Test]
    public void StoredActionsRoundTrip() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var actions = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(2) == 0
                ? (RegistryAction)new RegistrationAction(RegistryGenerators.Hash(random), RegistryGenerators.Registration(random), random.NextInt64())
                : new ChallengeAction(RegistryGenerators.Hash(random), RegistryGenerators.FraudProof(random))).ToList();
            byte[] bytes = RegistryActions.Encode(actions);
            var back = RegistryActions.Decode(bytes);
            Assert.That(RegistryActions.Encode(back), Is.EqualTo(bytes));
            Assert.That(back.Select(a => a.Txid), Is.EqualTo(actions.Select(a => a.Txid)));
            Assert.That(back.OfType<RegistrationAction>(), Is.EqualTo(actions.OfType<RegistrationAction>()));
            for (int i = 0; i < 40; i++)
            {
                int n = random.Next(bytes.Length);
                Assert.Throws<ChainFormatException>(() => RegistryActions.Decode(bytes.AsSpan(0, n)), $"seed {seed}: truncated to {n}");
            }
            Assert.Throws<ChainFormatException>(() => RegistryActions.Decode([.. bytes, 0]));
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));

    [Test]
    public void StoredActionsRejectUnknownKindsAndCorruptPayloads()
    {
        var model = Commit();
        var action = Register(Registration(model));
        byte[] bytes = RegistryActions.Encode([action]);
        Assert.Throws<ChainFormatException>(() => RegistryActions.Decode([2, .. bytes[1..]]), "version 2");
        var kind = (byte[])bytes.Clone();
        kind[2] = 3;
        Assert.Throws<ChainFormatException>(() => RegistryActions.Decode(kind), "kind 3");
        var corrupt = (byte[])bytes.Clone();
        corrupt[1 + 1 + 1 + 32 + 8 + 1] = 2; // the payload's version byte: after version, count, kind, txid, deposit and a 1-byte length
        Assert.Throws<ChainFormatException>(() => RegistryActions.Decode(corrupt), "payload version 2");
        Assert.That(RegistryActions.Decode(RegistryActions.Encode([])), Is.Empty);
    }
}
