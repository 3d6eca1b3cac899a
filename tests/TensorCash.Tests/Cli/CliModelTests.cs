using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Cli;

/// <summary>The commands end to end on builtin:tiny; needs the native runtime and the model loader wired in.</summary>
[Category("Runtime")]
public class CliModelTests
{
    [Test]
    public void GenerateStreamsIdsAndEndsWithOneStatsLine()
    {
        var run = CliRun.Of("generate", "-m", "builtin:tiny", "--tokens", "256,72,105", "--temperature", "0", "--repetition-penalty", "1",
            "--max-tokens", "6", "--emit", "ids", "--threads", "1", "--stats", "json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.StdoutLines, Has.Length.EqualTo(2));

        var ids = run.StdoutLines[0].Split(',').Select(int.Parse).ToArray();
        using (var model = new BuiltinTiny(threads: 1))
        {
            var expected = new Generator(model.Transformer).Generate(new GenerationRequest(new[] { 256, 72, 105 }, new StandardSampler(SamplingOptions.Greedy), 6,
                new HashSet<int> { BuiltinTiny.Eos })).Tokens;
            Assert.That(ids, Is.EqualTo(expected));
        }

        using var stats = JsonDocument.Parse(run.StdoutLines[1]);
        var root = stats.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "prompt_tokens", "gen_tokens", "prefill_tok_s", "decode_tok_s", "threads" }));
        Assert.That(root.GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("gen_tokens").GetInt32(), Is.EqualTo(ids.Length));
        Assert.That(root.GetProperty("prefill_tok_s").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("threads").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void GenerateFromTextPrintsTextAndProgressGoesToStderr()
    {
        var run = CliRun.Of("generate", "-m", "builtin:tiny", "--prompt", "Hello", "--max-tokens", "8", "--seed", "7");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stdout, Does.EndWith("\n"));
        Assert.That(run.Stderr, Does.Contain("loaded"));
        Assert.That(CliRun.Of("generate", "-m", "builtin:tiny", "--prompt", "Hello", "--max-tokens", "8", "--seed", "7").Stdout, Is.EqualTo(run.Stdout));
    }

    [Test]
    public void AnOutOfRangeTokenIdIsAUsageError()
    {
        var run = CliRun.Of("logits", "-m", "builtin:tiny", "--tokens", "1,100000");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.StderrLines.Last(), Does.Contain("token id 100000 (position 1) is outside the model's vocabulary"));
        Assert.That(run.Stdout, Is.Empty);
    }

    [Test]
    public void LogitsPrintsEveryPositionBitwiseEqualToTheRuntime()
    {
        int[] tokens = [256, 84, 101, 115, 116];
        var run = CliRun.Of("logits", "-m", "builtin:tiny", "--tokens", string.Join(',', tokens), "--threads", "2");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);

        using var model = new BuiltinTiny(threads: 1);
        int vocab = model.Vocab;
        var expected = new float[tokens.Length * vocab];
        using (var sequence = model.Transformer.NewSequence(tokens.Length))
            model.Transformer.Forward([new ForwardRequest(sequence, tokens, LogitsMode.All, expected)]);

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("vocab").GetInt32(), Is.EqualTo(vocab));
        var rows = json.RootElement.GetProperty("logits").EnumerateArray().ToArray();
        Assert.That(rows, Has.Length.EqualTo(tokens.Length));
        for (int p = 0; p < rows.Length; p++)
        {
            var values = rows[p].EnumerateArray().Select(v => float.Parse(v.GetRawText(), CultureInfo.InvariantCulture)).ToArray();
            Assert.That(values.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expected.AsSpan(p * vocab, vocab).ToArray().Select(BitConverter.SingleToInt32Bits)),
                $"position {p}");
        }
    }

    [Test]
    public void BenchJsonReportsSpeedsAndTheBandwidthFraction()
    {
        var run = CliRun.Of("bench", "-m", "builtin:tiny", "--prompt-tokens", "16", "--gen-tokens", "8", "--bandwidth-mib", "32", "--threads", "2", "--json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.That(root.GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(16));
        Assert.That(root.GetProperty("gen_tokens").GetInt32(), Is.EqualTo(8));
        foreach (var key in new[] { "prefill_tok_s", "decode_tok_s", "decode_weight_gb_s", "memory_bandwidth_gb_s", "bandwidth_fraction" })
            Assert.That(root.GetProperty(key).GetDouble(), Is.GreaterThan(0), key);
        Assert.That(root.GetProperty("weight_bytes_per_token").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public void ModelInspectDescribesTheBuiltinModel()
    {
        var text = CliRun.Of("model", "inspect", "builtin:tiny");
        Assert.That(text.ExitCode, Is.EqualTo(0), text.Stderr);
        Assert.That(text.Stdout, Does.Contain("architecture:").And.Contain("parameters:").And.Contain("flops/token:"));

        var json = CliRun.Of("model", "inspect", "builtin:tiny", "--json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.That(doc.RootElement.GetProperty("parameters").GetInt64(), Is.GreaterThan(0));
        using var model = new BuiltinTiny(threads: 1);
        Assert.That(doc.RootElement.GetProperty("vocab").GetInt32(), Is.EqualTo(model.Vocab));
    }
}
