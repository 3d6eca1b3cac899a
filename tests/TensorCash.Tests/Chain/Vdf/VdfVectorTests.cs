using System.Numerics;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Vdf;

namespace TensorCash.Tests.Chain.Vdf;

/// <summary>
/// The test vectors of docs/protocol/vdf.md (fixtures/vdf/vectors.json): discriminant, challenge prime, y, π, v and the
/// evidence bytes for fixed seeds, recomputed and verified; and the regtest vector is block 1's tick.
/// </summary>
public class VdfVectorTests
{
    private static JsonArray Vectors()
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "vdf", "vectors.json");
        return JsonNode.Parse(File.ReadAllText(path))!["vectors"]!.AsArray();
    }

    public static IEnumerable<TestCaseData> Cases() =>
        Enumerable.Range(0, 4).Select(i => new TestCaseData(i).SetName($"Vector{i}"));

    [TestCaseSource(nameof(Cases))]
    public void VectorIsReproducedAndVerifies(int index)
    {
        var v = Vectors()[index]!;
        byte[] seed = Convert.FromHexString((string)v["seed"]!);
        int bits = (int)v["bits"]!;
        ulong ticks = (ulong)v["t"]!;
        var setup = VdfSetup.FromSeed(seed, bits, (int)v["challengebits"]!);
        Assert.That(setup.Discriminant, Is.EqualTo(BigInteger.Parse((string)v["discriminant"]!)));
        var result = WesolowskiVdf.Evaluate(setup, ticks);
        Assert.That(WesolowskiVdf.Challenge(setup, ticks, result.Output), Is.EqualTo(BigInteger.Parse((string)v["l"]!)));
        Assert.That(Convert.ToHexStringLower(FormEncoding.Encode(result.Output, bits)), Is.EqualTo((string)v["y"]!));
        Assert.That(Convert.ToHexStringLower(FormEncoding.Encode(result.Proof, bits)), Is.EqualTo((string)v["pi"]!));
        Assert.That(Convert.ToHexStringLower(WesolowskiVdf.OutputHash(result.Output, bits)), Is.EqualTo((string)v["v"]!));
        byte[] evidence = Convert.FromHexString((string)v["evidence"]!);
        Assert.That(VdfProofCodec.DecodeAndVerify(evidence, setup, ticks, out var rejection), Is.EqualTo(result), rejection?.ToString());
    }

    [Test]
    public void TheRegtestVectorIsBlockOnesTick()
    {
        var v = Vectors()[3]!;
        var tick = BlockVdf.Evaluate(ChainParams.Regtest.GenesisHash, ChainParams.Regtest);
        Assert.That(Convert.ToHexStringLower(ChainParams.Regtest.GenesisHash.ToArray()), Is.EqualTo((string)v["seed"]!));
        Assert.That(Convert.ToHexStringLower(tick.Output.ToArray()), Is.EqualTo((string)v["v"]!));
        Assert.That(Convert.ToHexStringLower(tick.Evidence), Is.EqualTo((string)v["evidence"]!));
        Assert.That((uint)v["t"]!, Is.EqualTo(ChainParams.Regtest.VdfTicks));
        Assert.That((int)v["bits"]!, Is.EqualTo(ChainParams.Regtest.VdfDiscriminantBits));
        Assert.That((int)v["challengebits"]!, Is.EqualTo(ChainParams.Regtest.VdfChallengeBits));
    }

    [Test]
    public void TheGeneratorAndIdentityEncodeAsDocumented()
    {
        // 128 bits: w = 8. g = (2, 1, (1 − D)/8) → 00 | a = 2 in 8 bytes | |b| = 1 in 8 bytes.
        var setup = VdfSetup.FromSeed(new byte[32], 128);
        Assert.That(Convert.ToHexStringLower(FormEncoding.Encode(setup.Generator, 128)), Is.EqualTo("00" + "0000000000000002" + "0000000000000001"));
        Assert.That(Convert.ToHexStringLower(FormEncoding.Encode(setup.Group.Identity, 128)), Is.EqualTo("00" + "0000000000000001" + "0000000000000001"));
        var inverse = setup.Group.Generator.Inverse();
        Assert.That(Convert.ToHexStringLower(FormEncoding.Encode(inverse, 128)), Is.EqualTo("01" + "0000000000000002" + "0000000000000001"));
        Assert.That(FormEncoding.EncodedBytes(1024), Is.EqualTo(129));
        Assert.That(VdfProofCodec.EncodedBytes(1024), Is.EqualTo(258));
        Assert.That(VdfProofCodec.EncodedBytes(128), Is.EqualTo(34));
    }
}
