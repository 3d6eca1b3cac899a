using System.Globalization;
using System.Text.RegularExpressions;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;

namespace TensorCash.RegistryBench;

/// <summary>
/// One model of the calibration: a builtin model or a random Llama spec, with the numbers the cost formula of
/// docs/protocol/registry.md §5 reads (matmul parameters, layers, q = heads·headDim, vocabulary, weight dtype).
/// </summary>
public sealed record BenchModel(string Name, RandomModelSpec Spec, TensorDType DType, string? Builtin = null)
{
    public ModelWeights Load() => Builtin is { } name ? BuiltinModels.Load(name) : RandomModelFactory.CreateWeights(Spec, DType, Name);

    public int Layers => Spec.Layers;
    public int ModelDim => Spec.ModelDim;
    public int HeadDim => Spec.HeadDim > 0 ? Spec.HeadDim : Spec.ModelDim / Spec.Heads;
    public int Q => Spec.Heads * HeadDim;
    public int Kv => Spec.KvHeads * HeadDim;
    public int Vocab => Spec.VocabSize;

    /// <summary>L·(d·q + 2·d·kv + q·d + 3·d·ff) + d·V: every weight multiplied per token (the LM head, tied or not).</summary>
    public long MatmulParams => (long)Layers * ((long)ModelDim * Q + 2L * ModelDim * Kv + (long)Q * ModelDim + 3L * ModelDim * Spec.FeedForwardDim)
                                + (long)ModelDim * Vocab;

    public int BytesPerParam => DType switch { TensorDType.F32 => 4, TensorDType.F16 or TensorDType.BF16 => 2, _ => throw new NotSupportedException($"{DType}") };

    /// <summary>Bytes of the multiplied weights streamed per token (the β term's bytes).</summary>
    public long WeightBytes => MatmulParams * BytesPerParam;

    /// <summary>Mean keys attended per window token for the cheapest window (1-token prompt): t̄ = S + W/2 + 1.</summary>
    public static long MeanAttended(int salt, int window) => salt + window / 2 + 1;

    public long AttentionFlops(int salt, int window) => 4L * Layers * Q * MeanAttended(salt, window);

    public static BenchModel Tiny { get; } = new(BuiltinModels.TinyName, BuiltinModels.TinySpec, TensorDType.F32, BuiltinModels.TinyName);
    public static BenchModel Nano { get; } = new(BuiltinModels.NanoName, BuiltinModels.NanoSpec, TensorDType.F32, BuiltinModels.NanoName);

    /// <summary>A random Llama model: head dim 32 unless given, KV heads half the heads, untied, seed fixed by the shape.</summary>
    public static BenchModel Random(int layers, int dim, int ff, int vocab = 264, TensorDType dtype = TensorDType.F32, int heads = 0, int kvHeads = 0)
    {
        heads = heads > 0 ? heads : Math.Max(2, dim / 32);
        kvHeads = kvHeads > 0 ? kvHeads : Math.Max(1, heads / 2);
        var spec = new RandomModelSpec
        {
            Layers = layers, ModelDim = dim, Heads = heads, KvHeads = kvHeads, FeedForwardDim = ff, VocabSize = vocab,
            MaxSequenceLength = 2048, Seed = (ulong)(layers * 1_000_003 + dim * 1009 + ff * 7 + vocab),
        };
        return new BenchModel(Describe(spec, dtype), spec, dtype);
    }

    public static string Describe(RandomModelSpec s, TensorDType dtype) =>
        $"L{s.Layers}-d{s.ModelDim}-h{s.Heads}-kv{s.KvHeads}-ff{s.FeedForwardDim}" +
        (s.VocabSize != 264 ? $"-v{s.VocabSize}" : "") + (dtype != TensorDType.F32 ? "-" + dtype.ToString().ToLowerInvariant() : "");

    private static readonly Regex SpecPattern = new(@"^L(\d+)-d(\d+)-h(\d+)-kv(\d+)-ff(\d+)(?:-v(\d+))?(?:-(f32|f16|bf16))?$");

    /// <summary>Parses a name as <see cref="Describe"/> prints it ("L4-d256-h8-kv4-ff704", "L8-d256-h8-kv4-ff704-bf16"), or builtin:NAME.</summary>
    public static BenchModel Parse(string text)
    {
        if (text == BuiltinModels.TinyName) return Tiny;
        if (text == BuiltinModels.NanoName) return Nano;
        var m = SpecPattern.Match(text);
        if (!m.Success) throw new ArgumentException($"bad model spec '{text}' (expected e.g. L4-d256-h8-kv4-ff704[-v264][-f16|-bf16])");
        int I(int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        var dtype = m.Groups[7].Success ? m.Groups[7].Value switch { "f16" => TensorDType.F16, "bf16" => TensorDType.BF16, _ => TensorDType.F32 } : TensorDType.F32;
        return Random(I(1), I(2), I(5), m.Groups[6].Success ? I(6) : 264, dtype, I(3), I(4));
    }
}
