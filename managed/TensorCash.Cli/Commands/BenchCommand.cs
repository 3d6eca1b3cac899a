using System.CommandLine;
using System.Text.Json;
using TensorCash.Cli.Bench;
using TensorCash.Engine.Generation;
using TensorCash.Interop;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash bench`: prefill and decode speed on a synthetic prompt, and decode's weight-streaming
/// rate as a fraction of this machine's measured memory bandwidth at the same thread count. With --isa it runs the
/// same prompt under several kernel tables side by side in one process, interleaved --repeat times, and reports each
/// table's median and its ratio to the first (the way bench/results compares ISAs on a noisy shared machine).
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var threads = CommonOptions.Threads();
        var promptTokens = CommonOptions.AtLeast(new Option<int>("--prompt-tokens") { Description = "Prompt length to prefill.", DefaultValueFactory = _ => 128 }, 1);
        var genTokens = CommonOptions.AtLeast(new Option<int>("--gen-tokens") { Description = "Tokens to decode (greedy; never stops early).", DefaultValueFactory = _ => 64 }, 2);
        var bufferMiB = CommonOptions.AtLeast(new Option<int>("--bandwidth-mib")
        {
            Description = "Buffer size for the memory-bandwidth measurement; keep it far above the last-level cache.",
            DefaultValueFactory = _ => 1024,
        }, 16);
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var isas = new Option<string[]>("--isa")
        {
            Description = "Kernel tables to compare, e.g. --isa avx2 avx512 (scalar, avx2, avx512; default: the active one, " +
                          "which TENSORCASH_ISA picks). Each is set process-wide for its runs.",
            AllowMultipleArgumentsPerToken = true,
        };
        var repeat = CommonOptions.AtLeast(new Option<int>("--repeat")
        {
            Description = "Measured runs per kernel table, interleaved; medians are reported.", DefaultValueFactory = _ => 1,
        }, 1);

        var command = new Command("bench",
            "Measure prefill and decode tokens/s on a synthetic prompt (after a short warm-up), and compare decode's weight traffic " +
            "(weight bytes read per token x tokens/s) with this machine's read bandwidth measured at the same thread count.")
        {
            model, threads, promptTokens, genTokens, bufferMiB, json, isas, repeat,
        };
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            int threadCount = parsed.GetValue(threads), promptLength = parsed.GetValue(promptTokens), genLength = parsed.GetValue(genTokens);
            NativeIsa[] tables = ParseIsas(parsed.GetValue(isas));
            using var session = ModelSession.Open(parsed.GetRequiredValue(model), threadCount, withTokenizer: false, console);
            var prompt = SyntheticPrompt(promptLength, session.Config.VocabSize);
            session.CheckTokens(prompt, genLength - 1);
            var generator = new Generator(session.Transformer);

            // The first pass pages the weights in and warms the JIT; it is not measured.
            console.Progress("warming up");
            generator.Generate(new GenerationRequest(prompt.AsMemory(0, Math.Min(8, promptLength)), new StandardSampler(SamplingOptions.Greedy), 2), null, cancellation);
            var runs = tables.ToDictionary(isa => isa, _ => new List<GenerationStats>());
            NativeIsa before = NativeLibrary.ActiveIsa;
            try
            {
                for (int run = 0; run < parsed.GetValue(repeat); run++)
                    foreach (NativeIsa isa in tables)
                    {
                        NativeLibrary.ActiveIsa = isa;
                        console.Progress($"prefill {promptLength} tokens, decode {genLength} tokens, {threadCount} threads, {NativeLibrary.IsaName(isa)}, run {run + 1}");
                        runs[isa].Add(generator.Generate(new GenerationRequest(prompt, new StandardSampler(SamplingOptions.Greedy), genLength), null, cancellation).Stats);
                        cancellation.ThrowIfCancellationRequested();
                    }
            }
            finally
            {
                NativeLibrary.ActiveIsa = before;
            }
            var perIsa = tables.Select(isa => new IsaResult(NativeLibrary.IsaName(isa),
                Median(runs[isa].Select(r => r.PrefillTokensPerSecond)), Median(runs[isa].Select(r => r.DecodeTokensPerSecond)),
                runs[isa].Select(r => Math.Round(r.PrefillTokensPerSecond, 2)).ToArray(), runs[isa].Select(r => Math.Round(r.DecodeTokensPerSecond, 3)).ToArray())).ToList();
            var stats = runs[tables[0]][0];

            long bufferBytes = parsed.GetValue(bufferMiB) * (1L << 20);
            console.Progress($"measuring memory read bandwidth ({parsed.GetValue(bufferMiB)} MiB, {threadCount} threads)");
            double bandwidth = MemoryBandwidth.MeasureReadBytesPerSecond(bufferBytes, threadCount);
            long weightBytes = DecodeTraffic.WeightBytesPerToken(session.Weights);
            double streaming = weightBytes * perIsa[0].DecodeTokS;

            var report = new BenchReport(session.Weights.Source, threadCount, stats.PromptTokens, stats.GeneratedTokens,
                perIsa[0].PrefillTokS, perIsa[0].DecodeTokS, weightBytes, streaming / 1e9, bandwidth / 1e9, streaming / bandwidth, perIsa);
            console.Out.WriteLine(parsed.GetValue(json) ? report.ToJson() : report.ToText());
            return ExitCodes.Success;
        }));
        return command;
    }

    private static NativeIsa[] ParseIsas(string[]? names)
    {
        if (names is null || names.Length == 0) return [NativeLibrary.ActiveIsa];
        var parsed = new List<NativeIsa>();
        foreach (string name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            NativeIsa isa = NativeLibrary.ParseIsa(name) is { } i && i != NativeIsa.Auto
                ? i : throw new UsageException($"--isa {name}: expected scalar, avx2 or avx512");
            if (!NativeLibrary.IsSupported(isa))
                throw new UsageException($"--isa {name}: this CPU or build cannot run it (supported: {NativeLibrary.SupportedIsaNames()})");
            if (!parsed.Contains(isa)) parsed.Add(isa);
        }
        return parsed.Count > 0 ? [.. parsed] : throw new UsageException("--isa: no kernel table named");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record IsaResult(string Isa, double PrefillTokS, double DecodeTokS, double[] PrefillRuns, double[] DecodeRuns);

    /// <summary>Deterministic ids spread over the vocabulary; their values do not affect speed.</summary>
    private static int[] SyntheticPrompt(int length, int vocab)
    {
        var rng = new SamplingRng(1);
        return Enumerable.Range(0, length).Select(_ => (int)(rng.NextUInt64() % (ulong)vocab)).ToArray();
    }

    private sealed record BenchReport(string Model, int Threads, int PromptTokens, int GenTokens, double PrefillTokS, double DecodeTokS,
        long WeightBytesPerToken, double DecodeWeightGBs, double MemoryBandwidthGBs, double BandwidthFraction, List<IsaResult> Isas)
    {
        public string ToJson() => JsonSerializer.Serialize(new
        {
            model = Model, threads = Threads, prompt_tokens = PromptTokens, gen_tokens = GenTokens,
            prefill_tok_s = Math.Round(PrefillTokS, 3), decode_tok_s = Math.Round(DecodeTokS, 3),
            weight_bytes_per_token = WeightBytesPerToken, decode_weight_gb_s = Math.Round(DecodeWeightGBs, 3),
            memory_bandwidth_gb_s = Math.Round(MemoryBandwidthGBs, 3), bandwidth_fraction = BandwidthFraction,
            isa = Isas.Select(i => new
            {
                isa = i.Isa, prefill_tok_s = Math.Round(i.PrefillTokS, 3), decode_tok_s = Math.Round(i.DecodeTokS, 3),
                prefill_ratio = Math.Round(i.PrefillTokS / Isas[0].PrefillTokS, 3), decode_ratio = Math.Round(i.DecodeTokS / Isas[0].DecodeTokS, 3),
                prefill_runs = i.PrefillRuns, decode_runs = i.DecodeRuns,
            }),
        });

        public string ToText() => string.Join(Environment.NewLine, new[]
        {
            $"model            {Model}",
            $"threads          {Threads}",
            $"prefill          {PromptTokens} tokens, {PrefillTokS:F1} tok/s",
            $"decode           {GenTokens} tokens, {DecodeTokS:F2} tok/s",
            $"weights/token    {WeightBytesPerToken / 1e6:F2} MB",
            $"decode streaming {DecodeWeightGBs:F2} GB/s",
            $"memory bandwidth {MemoryBandwidthGBs:F2} GB/s (multi-threaded read, best of 5)",
            $"fraction         {BandwidthFraction * 100:F1} %",
        }.Concat(Isas.Select(i => $"isa {i.Isa,-12} prefill {i.PrefillTokS:F1} tok/s (x{i.PrefillTokS / Isas[0].PrefillTokS:F3}), " +
            $"decode {i.DecodeTokS:F2} tok/s (x{i.DecodeTokS / Isas[0].DecodeTokS:F3}); runs prefill [{string.Join(", ", i.PrefillRuns)}] decode [{string.Join(", ", i.DecodeRuns)}]")));
    }
}
