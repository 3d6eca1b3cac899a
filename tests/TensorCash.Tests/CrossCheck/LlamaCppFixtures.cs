using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.CrossCheck;

/// <summary>
/// One model of fixtures/llamacpp/models.json with llama.cpp's logits from its fixture file (written by
/// bench/llamacpp/make-fixtures.sh): the spec and dtype our generator builds it from, the sha256 of the GGUF
/// llama.cpp evaluated, the tokens, llama.cpp's logits [position][vocab] and the agreed bound. GeneratorArgs are
/// the `tensorcash model random` flags make-fixtures.sh passes for it (without --out).
/// </summary>
public sealed record LlamaCppFixture(string Name, RandomModelSpec Spec, TensorDType DType, string[] GeneratorArgs, string GgufSha256,
    int[] Tokens, float[][] Logits, double MaxAbs)
{
    public override string ToString() => Name;
}

/// <summary>
/// A model file the repository ships (models.json "shipped", e.g. builtin:small's GGUF) with llama.cpp's logits for it:
/// OutputPath is where the build copies the file, relative to the test assembly; GgufSha256 the file llama.cpp evaluated.
/// </summary>
public sealed record ShippedLlamaCppFixture(string Name, string OutputPath, string GgufSha256, int[] Tokens, float[][] Logits, double MaxAbs)
{
    public override string ToString() => Name;
}

/// <summary>Reads the llama.cpp fixtures. The manifest is the source of truth; a fixture that no longer matches it is stale.</summary>
public static class LlamaCppFixtures
{
    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "llamacpp");

    /// <summary>Test-case source: evaluated at discovery, so it resolves the folder from the assembly rather than TestContext.</summary>
    public static IEnumerable<LlamaCppFixture> All()
    {
        string dir = Path.Combine(Path.GetDirectoryName(typeof(LlamaCppFixtures).Assembly.Location)!, "fixtures", "llamacpp");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "models.json")));
        foreach (var entry in manifest.RootElement.GetProperty("models").EnumerateArray())
            yield return Read(dir, entry);
    }

    /// <summary>The shipped models' fixtures (models.json "shipped").</summary>
    public static IEnumerable<ShippedLlamaCppFixture> Shipped()
    {
        string assemblyDir = Path.GetDirectoryName(typeof(LlamaCppFixtures).Assembly.Location)!;
        string dir = Path.Combine(assemblyDir, "fixtures", "llamacpp");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "models.json")));
        if (!manifest.RootElement.TryGetProperty("shipped", out var shipped)) yield break;
        foreach (var entry in shipped.EnumerateArray())
        {
            var (name, tokens, logits, maxAbs, sha256) = ReadLogits(dir, entry);
            yield return new ShippedLlamaCppFixture(name, Path.Combine(assemblyDir, entry.GetProperty("output_path").GetString()!), sha256, tokens, logits, maxAbs);
        }
    }

    private static LlamaCppFixture Read(string dir, JsonElement entry)
    {
        var (name, tokens, logits, maxAbs, sha256) = ReadLogits(dir, entry);
        return new LlamaCppFixture(name, Spec(entry), DType(entry.GetProperty("dtype").GetString()!), GeneratorArgs(entry), sha256, tokens, logits, maxAbs);
    }

    private static (string Name, int[] Tokens, float[][] Logits, double MaxAbs, string GgufSha256) ReadLogits(string dir, JsonElement entry)
    {
        string name = entry.GetProperty("name").GetString()!;
        string file = Path.Combine(dir, name + ".json");
        using var fixture = JsonDocument.Parse(File.ReadAllText(file));
        var root = fixture.RootElement;
        int[] tokens = Ints(entry.GetProperty("tokens"));
        double maxAbs = entry.GetProperty("max_abs").GetDouble();
        if (!tokens.SequenceEqual(Ints(root.GetProperty("tokens"))) || root.GetProperty("max_abs").GetDouble() != maxAbs)
            throw new InvalidDataException($"{file}: tokens or max_abs differ from models.json; re-run bench/llamacpp/make-fixtures.sh");
        var logits = root.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => float.Parse(v.GetRawText(), CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        return (name, tokens, logits, maxAbs, root.GetProperty("gguf_sha256").GetString()!);
    }

    /// <summary>The manifest fields as the `model random` flags of the same names map them (bench/llamacpp/manifest.mjs generatorArgs).</summary>
    private static RandomModelSpec Spec(JsonElement e) => new()
    {
        Architecture = e.GetProperty("arch").GetString() switch
        {
            "llama" => ModelArchitecture.Llama,
            "qwen2" => ModelArchitecture.Qwen2,
            var other => throw new InvalidDataException($"models.json: unknown arch '{other}'"),
        },
        Layers = e.GetProperty("layers").GetInt32(),
        ModelDim = e.GetProperty("d_model").GetInt32(),
        Heads = e.GetProperty("heads").GetInt32(),
        KvHeads = e.GetProperty("kv_heads").GetInt32(),
        HeadDim = e.GetProperty("head_dim").GetInt32(),
        FeedForwardDim = e.GetProperty("ff").GetInt32(),
        VocabSize = e.GetProperty("vocab").GetInt32(),
        MaxSequenceLength = e.GetProperty("context").GetInt32(),
        RopeTheta = e.GetProperty("rope_theta").GetDouble(),
        RmsNormEps = e.GetProperty("rms_eps").GetSingle(),
        TiedEmbeddings = e.GetProperty("tied").GetBoolean(),
        Seed = e.GetProperty("seed").GetUInt64(),
        RopeScaling = e.TryGetProperty("rope_scaling_llama3", out var r)
            ? new Llama3RopeScaling(r.GetProperty("factor").GetDouble(), r.GetProperty("low_freq_factor").GetDouble(),
                r.GetProperty("high_freq_factor").GetDouble(), r.GetProperty("original_max_position_embeddings").GetInt32())
            : null,
    };

    /// <summary>The flags bench/llamacpp/manifest.mjs generatorArgs builds, numbers spelled as in the manifest.</summary>
    private static string[] GeneratorArgs(JsonElement e)
    {
        var args = new List<string>();
        foreach (var (flag, field) in new[]
                 {
                     ("--arch", "arch"), ("--layers", "layers"), ("--d-model", "d_model"), ("--heads", "heads"), ("--kv-heads", "kv_heads"),
                     ("--head-dim", "head_dim"), ("--ff", "ff"), ("--vocab", "vocab"), ("--context", "context"), ("--rope-theta", "rope_theta"),
                     ("--rms-eps", "rms_eps"), ("--dtype", "dtype"), ("--seed", "seed"),
                 })
        {
            var value = e.GetProperty(field);
            args.AddRange([flag, value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()]);
        }
        if (e.TryGetProperty("rope_scaling_llama3", out var r))
            args.AddRange(["--rope-scaling-llama3", string.Join(',', new[] { "factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings" }
                .Select(k => r.GetProperty(k).GetRawText()))]);
        if (e.GetProperty("tied").GetBoolean()) args.Add("--tied");
        return [.. args];
    }

    private static TensorDType DType(string name) => name switch
    {
        "f32" => TensorDType.F32,
        "f16" => TensorDType.F16,
        "bf16" => TensorDType.BF16,
        "q8_0" => TensorDType.Q8_0,
        _ => throw new InvalidDataException($"models.json: unknown dtype '{name}'"),
    };

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
