using TensorCash.Engine.Model;

namespace TensorCash.Engine.Builtin;

/// <summary>
/// Models that ship inside the engine: random weights from a fixed seed, generated at load time, so
/// demos and tests need no download. Output is meaningless text, but fully deterministic.
/// </summary>
public static class BuiltinModels
{
    public const string Prefix = "builtin:";
    public const string TinyName = "builtin:tiny";
    /// <summary>A cheaper sibling of tiny (2 layers, d 64): a second model for registry tests and the cost calibration.</summary>
    public const string NanoName = "builtin:nano";

    /// <summary>Byte-level vocabulary: ids 0..255 are bytes, then BOS and EOS, padded to a multiple of 8.</summary>
    public const int TinyBosId = 256;
    public const int TinyEosId = 257;
    public const int TinyVocabSize = 264;
    public const ulong TinySeed = 0x7E45_0C45_0001UL;
    public const ulong NanoSeed = 0x7E45_0C45_0002UL;

    public static RandomModelSpec TinySpec { get; } = new()
    {
        Architecture = ModelArchitecture.Llama,
        Layers = 4,
        ModelDim = 128,
        Heads = 4,
        KvHeads = 2,
        FeedForwardDim = 352,
        VocabSize = TinyVocabSize,
        MaxSequenceLength = 2048,
        RopeTheta = 10000,
        RmsNormEps = 1e-5f,
        TiedEmbeddings = true,
        Seed = TinySeed,
    };

    /// <summary>builtin:nano: tiny's vocabulary and context, 2 layers of d 64 (4 heads of 16, 2 KV heads), d_ff 176.</summary>
    public static RandomModelSpec NanoSpec { get; } = new()
    {
        Architecture = ModelArchitecture.Llama,
        Layers = 2,
        ModelDim = 64,
        Heads = 4,
        KvHeads = 2,
        FeedForwardDim = 176,
        VocabSize = TinyVocabSize,
        MaxSequenceLength = 2048,
        RopeTheta = 10000,
        RmsNormEps = 1e-5f,
        TiedEmbeddings = true,
        Seed = NanoSeed,
    };

    public static IReadOnlyList<string> Names { get; } = [TinyName, NanoName];

    public static bool IsBuiltin(string spec) => spec.StartsWith(Prefix, StringComparison.Ordinal);

    public static ModelWeights Load(string name) => name switch
    {
        TinyName => RandomModelFactory.CreateWeights(TinySpec, TensorDType.F32, TinyName),
        NanoName => RandomModelFactory.CreateWeights(NanoSpec, TensorDType.F32, NanoName),
        _ => throw new ModelFormatException(name, null, $"unknown builtin model (available: {string.Join(", ", Names)})"),
    };
}
