using System.CommandLine;
using System.Text.Json;
using TensorCash.Cli.Bench;
using TensorCash.Engine.Generation;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash bench`: prefill and decode speed on a synthetic prompt, and decode's weight-streaming
/// rate as a fraction of this machine's measured memory bandwidth at the same thread count.
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

        var command = new Command("bench",
            "Measure prefill and decode tokens/s on a synthetic prompt (after a short warm-up), and compare decode's weight traffic " +
            "(weight bytes read per token x tokens/s) with this machine's read bandwidth measured at the same thread count.")
        {
            model, threads, promptTokens, genTokens, bufferMiB, json,
        };
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            int threadCount = parsed.GetValue(threads), promptLength = parsed.GetValue(promptTokens), genLength = parsed.GetValue(genTokens);
            using var session = ModelSession.Open(parsed.GetRequiredValue(model), threadCount, withTokenizer: false, console);
            var prompt = SyntheticPrompt(promptLength, session.Config.VocabSize);
            session.CheckTokens(prompt, genLength - 1);
            var generator = new Generator(session.Transformer);

            // The first pass pages the weights in and warms the JIT; it is not measured.
            console.Progress("warming up");
            generator.Generate(new GenerationRequest(prompt.AsMemory(0, Math.Min(8, promptLength)), new StandardSampler(SamplingOptions.Greedy), 2), null, cancellation);
            console.Progress($"prefill {promptLength} tokens, decode {genLength} tokens, {threadCount} threads");
            var stats = generator.Generate(new GenerationRequest(prompt, new StandardSampler(SamplingOptions.Greedy), genLength), null, cancellation).Stats;
            cancellation.ThrowIfCancellationRequested();

            long bufferBytes = parsed.GetValue(bufferMiB) * (1L << 20);
            console.Progress($"measuring memory read bandwidth ({parsed.GetValue(bufferMiB)} MiB, {threadCount} threads)");
            double bandwidth = MemoryBandwidth.MeasureReadBytesPerSecond(bufferBytes, threadCount);
            long weightBytes = DecodeTraffic.WeightBytesPerToken(session.Weights);
            double streaming = weightBytes * stats.DecodeTokensPerSecond;

            var report = new BenchReport(session.Weights.Source, threadCount, stats.PromptTokens, stats.GeneratedTokens,
                stats.PrefillTokensPerSecond, stats.DecodeTokensPerSecond, weightBytes, streaming / 1e9, bandwidth / 1e9, streaming / bandwidth);
            console.Out.WriteLine(parsed.GetValue(json) ? report.ToJson() : report.ToText());
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Deterministic ids spread over the vocabulary; their values do not affect speed.</summary>
    private static int[] SyntheticPrompt(int length, int vocab)
    {
        var rng = new SamplingRng(1);
        return Enumerable.Range(0, length).Select(_ => (int)(rng.NextUInt64() % (ulong)vocab)).ToArray();
    }

    private sealed record BenchReport(string Model, int Threads, int PromptTokens, int GenTokens, double PrefillTokS, double DecodeTokS,
        long WeightBytesPerToken, double DecodeWeightGBs, double MemoryBandwidthGBs, double BandwidthFraction)
    {
        public string ToJson() => JsonSerializer.Serialize(new
        {
            model = Model, threads = Threads, prompt_tokens = PromptTokens, gen_tokens = GenTokens,
            prefill_tok_s = Math.Round(PrefillTokS, 3), decode_tok_s = Math.Round(DecodeTokS, 3),
            weight_bytes_per_token = WeightBytesPerToken, decode_weight_gb_s = Math.Round(DecodeWeightGBs, 3),
            memory_bandwidth_gb_s = Math.Round(MemoryBandwidthGBs, 3), bandwidth_fraction = BandwidthFraction,
        });

        public string ToText() => string.Join(Environment.NewLine,
            $"model            {Model}",
            $"threads          {Threads}",
            $"prefill          {PromptTokens} tokens, {PrefillTokS:F1} tok/s",
            $"decode           {GenTokens} tokens, {DecodeTokS:F2} tok/s",
            $"weights/token    {WeightBytesPerToken / 1e6:F2} MB",
            $"decode streaming {DecodeWeightGBs:F2} GB/s",
            $"memory bandwidth {MemoryBandwidthGBs:F2} GB/s (multi-threaded read, best of 5)",
            $"fraction         {BandwidthFraction * 100:F1} %");
    }
}
