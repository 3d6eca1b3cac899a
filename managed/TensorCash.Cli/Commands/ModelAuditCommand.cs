using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TensorCash.Proving;
using TensorCash.Proving.Audit;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash model audit`: the weight audit of docs/protocol/registry.md §5 (<see cref="ModelAuditor"/>) with the model's
/// V2 id, descriptor and tensor root. Exit 0 when every check passes, <see cref="ExitCodes.AuditFailed"/> when one fails.
/// </summary>
public static class ModelAuditCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string Description =
        "Audit a model's weights before supporting its registration: print its model id (V2: descriptor + tensor Merkle root), " +
        "sizes and FLOPs, then check that the files hold the tensors (at most 1 % + 16 MiB more), that the matrices share one dtype, " +
        "that no weight is NaN/infinite, no tensor but a bias is all zero, no matrix is the identity/diagonal/one-nonzero-per-row, " +
        "no two tensors of the same role are byte-identical, no matrix is one value repeated, every matrix has rank >= min(rows, cols, 32) " +
        "(randomized sketch), every layer changes the residual stream on two 16-token probe prompts derived from the model id, and the " +
        "LM head's logits vary over vocabulary and positions with mean entropy above 0.1 nats. Every check is deterministic: every node " +
        "prints the same report. The audit cannot show that the weights are useful (docs/protocol/registry.md §6). The model's difficulty " +
        "D_m is not decided here: consensus computes it from the architecture alone (registry.md §5). Exit codes: 0 pass, 3 a check failed, " +
        "1 the model could not be read, 2 usage.";

    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH") { Description = "A .gguf file, a Hugging Face directory, builtin:tiny, builtin:nano or builtin:small." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var threads = CommonOptions.Threads();
        var audit = new Command("audit", Description) { path, json, threads };
        audit.SetAction(console.Guard((parsed, cancellation) =>
        {
            string spec = parsed.GetRequiredValue(path);
            ModelResolver.EnsureExists(spec);
            using var weights = ModelResolver.LoadWeights(spec);
            var identity = ModelIdentity.Compute(weights);
            var report = ModelAuditor.Audit(weights, identity, new AuditOptions { Threads = parsed.GetValue(threads) }, cancellation);
            console.Out.Write(parsed.GetValue(json) ? ToJson(report) + "\n" : ToText(report));
            return report.Passed ? ExitCodes.Success : ExitCodes.AuditFailed;
        }));
        return audit;
    }

    /// <summary>"file-size", "zero-tensor", …: a check's name as the report prints it.</summary>
    public static string Name(AuditCheck check)
    {
        var s = check.ToString();
        var b = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (i > 0 && char.IsUpper(s[i])) b.Append('-');
            b.Append(char.ToLowerInvariant(s[i]));
        }
        return b.ToString();
    }

    public static string ToText(AuditReport r)
    {
        var d = r.Descriptor;
        var o = new StringBuilder();
        void Line(string label, string value) => o.Append(Inv, $"{label + ":",-15}{value}\n");
        Line("model", r.Source);
        Line("model id", r.ModelIdHex);
        Line("architecture", $"{(d.Architecture switch { 0 => "Llama", 1 => "Mistral", 2 => "Qwen2", _ => d.Architecture.ToString(Inv) })}, " +
                             $"{d.LayerCount} layers, d_model {d.ModelDim}, {d.HeadCount} heads (kv {d.KvHeadCount}, head_dim {d.HeadDim}), " +
                             $"d_ff {d.FeedForwardDim}, vocab {d.VocabSize}, context {d.MaxSequenceLength}" +
                             (d.TiedEmbeddings ? ", tied" : "") + (d.AttentionBias ? ", qkv bias" : "") + (d.RopeScaling is null ? "" : ", llama3 rope scaling"));
        Line("descriptor", Convert.ToHexString(d.Encode()).ToLowerInvariant());
        Line("tensor root", r.TensorRootHex);
        Line("tensors", $"{r.TensorCount}, matrices {(r.WeightDType?.ToString().ToLowerInvariant() ?? "mixed dtypes")}");
        Line("parameters", $"{r.ParameterCount.ToString("N0", Inv)} ({(r.ParameterCount / 1e9).ToString("F3", Inv)} B)");
        Line("flops/token", $"{r.MatmulFlopsPerToken.ToString("N0", Inv)} + {r.AttentionFlopsPerPosition.ToString("N0", Inv)} per position attended");
        Line("weight bytes", r.WeightBytes.ToString("N0", Inv));
        Line("file bytes", r.FileBytes is { } fileBytes
            ? $"{fileBytes.ToString("N0", Inv)} (expected {r.WeightBytes.ToString("N0", Inv)} to {r.MaxFileBytes.ToString("N0", Inv)})"
            : "none (builtin or in-memory model)");
        if (r.Probes is { } p)
            Line("probes", $"{p.Prompts.Count} x {p.Prompts[0].Length} tokens; smallest layer update {(p.LayerUpdates.Count > 0 ? p.LayerUpdates.Min().ToString("G3", Inv) : "-")}, " +
                           $"mean entropy {p.MeanEntropyNats.ToString("0.###", Inv)} nats, mean top probability {p.MeanTopProbability.ToString("0.###", Inv)}");
        o.Append("checks:\n");
        foreach (var c in r.Checks)
            o.Append(Inv, $"  {Status(c.Status),-5} {Name(c.Check),-17} {c.Summary}\n");
        if (r.Findings.Count > 0)
        {
            o.Append("findings:\n");
            foreach (var f in r.Findings)
            {
                string tensors = f.TensorIndices.Count > 0 ? $" [tensor {string.Join(", ", f.TensorIndices)}]" : "";
                o.Append(Inv, $"  {(f.Severity == AuditSeverity.Fail ? "FAIL" : "WARN"),-5} {Name(f.Check),-17} {f.Message}{tensors}\n");
            }
        }
        int failed = r.Checks.Count(c => c.Status == AuditStatus.Fail);
        o.Append(r.Passed
            ? "verdict:       PASS (D_m is computed by consensus from the architecture: docs/protocol/registry.md §5)\n"
            : $"verdict:       FAIL ({failed} of {r.Checks.Count} checks failed; do not signal support for this model)\n");
        return o.ToString();
    }

    private static string Status(AuditStatus s) => s switch
    {
        AuditStatus.Pass => "PASS",
        AuditStatus.Warn => "WARN",
        AuditStatus.Fail => "FAIL",
        _ => "SKIP",
    };

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string ToJson(AuditReport r) => JsonSerializer.Serialize(new
    {
        model = r.Source,
        model_id = r.ModelIdHex,
        descriptor = Convert.ToHexString(r.Descriptor.Encode()).ToLowerInvariant(),
        architecture = r.Descriptor.Architecture,
        layers = r.Descriptor.LayerCount,
        d_model = r.Descriptor.ModelDim,
        heads = r.Descriptor.HeadCount,
        kv_heads = r.Descriptor.KvHeadCount,
        head_dim = r.Descriptor.HeadDim,
        d_ff = r.Descriptor.FeedForwardDim,
        vocab = r.Descriptor.VocabSize,
        context = r.Descriptor.MaxSequenceLength,
        tied_embeddings = r.Descriptor.TiedEmbeddings,
        tensor_root = r.TensorRootHex,
        tensors = r.TensorCount,
        weight_dtype = r.WeightDType?.ToString().ToLowerInvariant(),
        parameters = r.ParameterCount,
        flops_per_token = r.MatmulFlopsPerToken,
        attention_flops_per_position = r.AttentionFlopsPerPosition,
        weight_bytes = r.WeightBytes,
        file_bytes = r.FileBytes,
        max_file_bytes = r.MaxFileBytes,
        checks = r.Checks.Select(c => new { check = Name(c.Check), status = Status(c.Status).ToLowerInvariant(), summary = c.Summary }),
        findings = r.Findings.Select(f => new
        {
            check = Name(f.Check),
            severity = f.Severity == AuditSeverity.Fail ? "fail" : "warn",
            tensor = f.Tensor,
            tensor_indices = f.TensorIndices,
            message = f.Message,
        }),
        probes = r.Probes is { } p
            ? new { prompts = p.Prompts, layer_updates = p.LayerUpdates, mean_entropy_nats = p.MeanEntropyNats, mean_top_probability = p.MeanTopProbability }
            : null,
        passed = r.Passed,
    }, JsonOptions);
}
