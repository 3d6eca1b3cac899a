using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash model inspect`: what a checkpoint is, without running it; `model audit` lives in <see cref="ModelAuditCommand"/>,
/// `model random` in <see cref="RandomModelCommand"/>.
/// </summary>
public static class ModelCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH") { Description = "A .gguf file, a Hugging Face directory, builtin:tiny, builtin:nano or builtin:small." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var inspect = new Command("inspect", "Show a model's architecture, hyper-parameters, parameter count, weight dtype, FLOPs per token and files.")
        {
            path, json,
        };
        inspect.SetAction(console.Guard((parsed, _) =>
        {
            string spec = parsed.GetRequiredValue(path);
            ModelResolver.EnsureExists(spec);
            using var weights = ModelResolver.LoadWeights(spec);
            var summary = ModelInspector.Inspect(weights);
            if (parsed.GetValue(json)) console.Out.WriteLine(ToJson(summary));
            else WriteText(console.Out, summary);
            return ExitCodes.Success;
        }));
        return new Command("model", "Commands about model files.") { inspect, ModelAuditCommand.Create(console), RandomModelCommand.Create(console) };
    }

    private static void WriteText(TextWriter output, ModelInspection s)
    {
        var c = s.Config;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"source:        {s.Source}");
        output.WriteLine($"architecture:  {c.Architecture}");
        output.WriteLine($"parameters:    {s.ParameterCount.ToString("N0", inv)} ({(s.ParameterCount / 1e9).ToString("F3", inv)} B)");
        output.WriteLine($"dtype:         {DTypes(s)}");
        output.WriteLine($"flops/token:   {s.MatmulFlopsPerToken.ToString("N0", inv)} ({(s.MatmulFlopsPerToken / 1e9).ToString("F3", inv)} GFLOP) + {s.AttentionFlopsPerPosition.ToString("N0", inv)} per position attended");
        output.WriteLine($"weight bytes:  {s.WeightBytes.ToString("N0", inv)}");
        output.WriteLine($"layers:        {c.LayerCount}");
        output.WriteLine($"d_model:       {c.ModelDim}");
        output.WriteLine($"heads:         {c.HeadCount} (kv {c.KvHeadCount}, head_dim {c.HeadDim})");
        output.WriteLine($"d_ff:          {c.FeedForwardDim}");
        output.WriteLine($"vocab:         {c.VocabSize}");
        output.WriteLine($"context:       {c.MaxSequenceLength}");
        output.WriteLine($"sliding_window: {(c.SlidingWindow is { } w ? $"{w} (each position attends to the last {w})" : "none")}");
        output.WriteLine($"rope_theta:    {c.RopeTheta.ToString(inv)}{(c.RopeScaling is { } r ? $" (llama3 scaling x{r.Factor.ToString(inv)})" : "")}");
        output.WriteLine($"tied_embed:    {(c.TiedEmbeddings ? "yes" : "no")}");
        output.WriteLine("files:");
        foreach (var f in s.Files) output.WriteLine($"  {f.Bytes.ToString("N0", inv),16} bytes  {f.Path}");
        output.WriteLine($"  {s.Files.Sum(f => f.Bytes).ToString("N0", inv),16} bytes  total");
    }

    private static string ToJson(ModelInspection s) => JsonSerializer.Serialize(new
    {
        source = s.Source,
        architecture = s.Config.Architecture.ToString(),
        parameters = s.ParameterCount,
        dtype = DTypes(s),
        weight_bytes = s.WeightBytes,
        flops_per_token = s.MatmulFlopsPerToken,
        attention_flops_per_position = s.AttentionFlopsPerPosition,
        layers = s.Config.LayerCount,
        d_model = s.Config.ModelDim,
        heads = s.Config.HeadCount,
        kv_heads = s.Config.KvHeadCount,
        head_dim = s.Config.HeadDim,
        d_ff = s.Config.FeedForwardDim,
        vocab = s.Config.VocabSize,
        context = s.Config.MaxSequenceLength,
        sliding_window = s.Config.SlidingWindow,
        rope_theta = s.Config.RopeTheta,
        tied_embeddings = s.Config.TiedEmbeddings,
        files = s.Files.Select(f => new { path = f.Path, bytes = f.Bytes }),
        total_bytes = s.Files.Sum(f => f.Bytes),
    });

    /// <summary>"f32", or a mix such as "q8_0 (7,340,032 params), f32 (8,192 params)", largest first.</summary>
    private static string DTypes(ModelInspection s) => s.ParametersByDType.Count == 1
        ? s.ParametersByDType.Keys.Single().ToString().ToLowerInvariant()
        : string.Join(", ", s.ParametersByDType.OrderByDescending(kv => kv.Value)
            .Select(kv => $"{kv.Key.ToString().ToLowerInvariant()} ({kv.Value.ToString("N0", CultureInfo.InvariantCulture)} params)"));
}
