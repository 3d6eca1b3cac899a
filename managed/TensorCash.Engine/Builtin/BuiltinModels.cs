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

    /// <summary>Byte-level vocabulary: ids 0..255 are bytes, then BOS and EOS, padded to a multiple of 8.</summary>
    public const int TinyBosId = 256;
    public const int TinyEosId = 257;
    public const int TinyVocabSize = 264;
    public const ulong TinySeed = 0x7E45_0C45_0001UL;

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

    public static IReadOnlyList<string> Names { get; } = [TinyName];

    public static bool IsBuiltin(string spec) => spec.StartsWith(Prefix, StringComparison.Ordinal);

    public static ModelWeights Load(string name) => name switch
    {
        TinyName => RandomModelFactory.CreateWeights(TinySpec, TensorDType.F32, TinyName),
        _ => throw new ModelFormatException(name, null, $"unknown builtin model (available: {string.Join(", ", Names)})"),
    };
}
