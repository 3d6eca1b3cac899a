using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>Random, structurally valid payloads from a seed, for the encoding round-trip properties.</summary>
internal static class RegistryGenerators
{
    private const string Printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    public static string Text(Random random, int min, int max) =>
        new(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Printable[random.Next(Printable.Length)]).ToArray());

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static Hash256 Hash(Random random) => new(Bytes(random, 32));

    public static ModelDescriptor Descriptor(Random random)
    {
        byte architecture = (byte)random.Next(0, 3);
        int kvHeads = random.Next(1, 9), heads = kvHeads * random.Next(1, 5), headDim = 2 * random.Next(1, 129);
        var scaling = random.Next(2) == 0 ? null
            : new RopeScalingDescriptor((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), random.Next(1, ModelDescriptor.MaxSequence + 1));
        return new ModelDescriptor(architecture, random.Next(1, ModelDescriptor.MaxLayers + 1), random.Next(1, ModelDescriptor.MaxDim + 1), heads, kvHeads,
            headDim, random.Next(1, ModelDescriptor.MaxDim + 1), random.Next(2, ModelDescriptor.MaxVocab + 1), random.Next(1, ModelDescriptor.MaxSequence + 1),
            (uint)random.Next(), (ulong)random.NextInt64(), random.Next(2) == 0, architecture == 2 || random.Next(2) == 0, scaling);
    }

    public static ProofProfile Profile(Random random)
    {
        int vocab = random.Next(2, 300_000);
        int topK = random.Next(0, Math.Min(vocab, 64) + 1);
        int evidence = random.Next(Math.Max(1, topK), Math.Min(vocab, 128) + 1);
        var decode = new DecodeParameters((uint)random.Next((int)DecodeParameters.MinTemperatureQ16, (int)DecodeParameters.MaxTemperatureQ16 + 1), topK,
            (ulong)random.NextInt64(1, (long)DecodeParameters.TopPOffQ32 + 1),
            (uint)random.Next((int)DecodeParameters.MinRepetitionPenaltyQ16, (int)DecodeParameters.MaxRepetitionPenaltyQ16 + 1), (uint)random.Next());
        return new ProofProfile(decode, evidence, random.Next(ProofDigest.MinWindowSize, ProofDigest.MaxWindowSize + 1), (PrecisionTag)random.Next(1, 5),
            vocab, random.Next(1, ProofProfile.MaxSaltTokens + 1), random.Next(1, 100_000), (ulong)random.NextInt64(0, (1L << 32) + 1));
    }

    /// <summary>A registration whose fields are random within the encoding (not necessarily valid under the rules).</summary>
    public static ModelRegistration Registration(Random random) =>
        new(Text(random, 0, 255), Text(random, 0, 255), Bytes(random, random.Next(0, 256)), Hash(random), Descriptor(random), (byte)random.Next(0, 256),
            Hash(random), Hash(random), Profile(random));

    public static TensorLeaf Leaf(Random random)
    {
        var roles = new[] { "token_embedding", "output", "layers.3.wq", "layers.0.w_down", "layers.11.bk", "layers.2.attn_norm" };
        byte dtype = (byte)random.Next(0, 4);
        int rank = random.Next(1, TensorLeaf.MaxRank + 1);
        var shape = Enumerable.Range(0, rank).Select(_ => (long)random.Next(1, 5) * 32).ToArray();
        return new TensorLeaf(roles[random.Next(roles.Length)], dtype, shape, TensorLeaf.ByteLengthFor(dtype, shape), Bytes(random, 32));
    }

    public static TensorInclusion Inclusion(Random random) =>
        new(Leaf(random), random.Next(), Enumerable.Range(0, random.Next(0, ModelFraudProof.MaxPathNodes + 1)).Select(_ => Bytes(random, 32)).ToArray());

    public static ModelFraudProof FraudProof(Random random)
    {
        var kind = (FraudKind)random.Next(1, 4);
        var proof = new ModelFraudProof(Hash(random), kind, Inclusion(random), kind == FraudKind.DuplicateTensor ? Inclusion(random) : null,
            kind == FraudKind.Layout ? random.Next() : 0);
        // Two leaves with long paths can exceed the payload cap; shorten until it fits.
        while (proof.Encode().Length > ModelFraudProof.MaxPayloadBytes)
            proof = proof with { Tensor = proof.Tensor with { Path = proof.Tensor.Path.Take(proof.Tensor.Path.Count / 2).ToArray() } };
        return proof;
    }
}
