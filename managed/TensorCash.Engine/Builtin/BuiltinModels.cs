using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Engine.Builtin;

/// <summary>
/// Models that ship inside the engine, so demos and tests need no download. builtin:tiny and builtin:nano have
/// random weights from a fixed seed, generated at load time (meaningless but fully deterministic text, byte
/// tokenizer); builtin:tiny is pinned in consensus (ChainParams' genesis model table). builtin:small is a trained
/// 4M-parameter Llama (King James Bible, byte-level BPE of 4096 tokens; made by tools/TensorCash.Train) shipped as a
/// BF16 GGUF with its tokenizer embedded, in builtin/small/ next to the assembly, and memory-mapped at load.
/// </summary>
public static class BuiltinModels
{
    public const string Prefix = "builtin:";
    public const string TinyName = "builtin:tiny";
    /// <summary>A cheaper sibling of tiny (2 layers, d 64): a second model for registry tests and the cost calibration.</summary>
    public const string NanoName = "builtin:nano";
    /// <summary>The trained model (<see cref="SmallGgufPath"/>): readable King James-style text, its own BPE tokenizer.</summary>
    public const string SmallName = "builtin:small";
    public const string SmallGgufFileName = "tensorcash-small.gguf";

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

    public static IReadOnlyList<string> Names { get; } = [TinyName, NanoName, SmallName];

    /// <summary>builtin:small's files: the GGUF and the same weights as a Hugging Face directory (hf/), copied by the build.</summary>
    public static string SmallDirectory => Path.Combine(AppContext.BaseDirectory, "builtin", "small");
    public static string SmallGgufPath => Path.Combine(SmallDirectory, SmallGgufFileName);
    public static string SmallHfDirectory => Path.Combine(SmallDirectory, "hf");

    public static bool IsBuiltin(string spec) => spec.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Whether the builtin model reads bytes (tiny, nano) rather than a vocabulary of its own (small).</summary>
    public static bool UsesByteTokenizer(string name) => name is TinyName or NanoName;

    public static ModelWeights Load(string name) => name switch
    {
        TinyName => RandomModelFactory.CreateWeights(TinySpec, TensorDType.F32, TinyName),
        NanoName => RandomModelFactory.CreateWeights(NanoSpec, TensorDType.F32, NanoName),
        SmallName => GgufModelLoader.Load(RequireSmallFile(SmallGgufPath)),
        _ => throw Unknown(name),
    };

    /// <summary>The builtin model's tokenizer: bytes for tiny and nano, the vocabulary builtin:small's GGUF embeds.</summary>
    public static ITokenizer LoadTokenizer(string name) => name switch
    {
        TinyName or NanoName => new ByteTokenizer(),
        SmallName => GgufTokenizer.Load(RequireSmallFile(SmallGgufPath)),
        _ => throw Unknown(name),
    };

    /// <summary>The path when the file is there, else a clear error naming it (a publish or copy that left builtin/small/ behind).</summary>
    internal static string RequireSmallFile(string path) => File.Exists(path)
        ? path
        : throw new ModelFormatException(SmallName, null,
            $"its model file is missing: expected {path} (the build copies it into builtin/small/ next to the tensorcash assembly; rebuild, or copy that folder along when you move the binaries)");

    private static ModelFormatException Unknown(string name) =>
        new(name, null, $"unknown builtin model (available: {string.Join(", ", Names)})");
}
