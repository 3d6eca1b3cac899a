using System.Diagnostics;
using System.Globalization;
using System.Text;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Proving.Replay;

namespace TensorCash.Calibration;

/// <summary>
/// Cost of proving and verifying one window on a real-sized model (`--model FILE`): per round, plain generation and
/// proof generation (alternating which goes first), tier 1, tier-2 replays of every position and of a Fiat–Shamir
/// sample, and the replay context's prefill without logits (the bound), with logits at every row, and with logits at
/// the sampled rows only (the sampled replay's forward pass alone). Everything runs
/// in one process on one loaded model, so a load change hits all columns alike; ratios are medians of per-round ratios.
/// Model load, weight hashing and transformer creation happen once, before the rounds, as on a node.
/// </summary>
public sealed class RealModelCost(CalibrationOptions options)
{
    private const int PromptTokens = 8;
    private const int WindowSize = 64;
    private const int Evidence = 64;
    private const int SaltTokens = 4, PromptCap = 1024;
    private const int ModelPromptTokens = PromptTokens + SaltTokens;
    private static readonly DecodeParameters Decode = new(temperatureQ16: 52429 /* 0.8 */, topK: 40,
        topPQ32: 4080218931UL /* 0.95 */, repetitionPenaltyQ16: 72090 /* 1.1 */);

    private readonly Dictionary<string, List<double>> _samples = [];

    public string Run(TextWriter progress)
    {
        string load = File.ReadAllText("/proc/loadavg").Trim();
        using var weights = ModelLoader.Load(options.Model!);
        var identity = ModelIdentity.Compute(weights);
        using var transformer = Transformer.Create(weights, options.Threads);
        var known = identity.ToKnownModel();
        var prover = new ProofGenerator(transformer, identity);
        var plainGenerator = new Generator(transformer);
        int vocab = transformer.Config.VocabSize;
        var rng = new SplitMix64(20261122);
        progress.WriteLine($"{options.Model}: {options.Rounds} rounds");

        for (int round = 0; round < options.Rounds; round++)
        {
            var prompt = Enumerable.Range(0, PromptTokens).Select(_ => (int)(rng.Next() % (ulong)vocab)).ToArray();
            var binding = new ChainBinding(Bytes(ref rng), Bytes(ref rng), rng.Next() % 1_000_000);
            var request = new ProveRequest(prompt, new ProofProfile(Decode, Evidence, WindowSize, PrecisionTag.F32, vocab, SaltTokens, PromptCap), binding);
            var sampling = new SamplingOptions { Temperature = 0.8f, TopK = 40, TopP = 0.95f, RepetitionPenalty = 1.1f, Seed = rng.Next() };
            var plain = new GenerationRequest(ProofSalt.ModelPrompt(new TranscriptHeader(identity.Id, request.Profile, binding, prompt)),
                new StandardSampler(sampling), WindowSize);

            ProveResult proof = null!;
            GenerationResult plainRun = null!;
            void Plain() => Add("plain generation", Time(() => plainRun = plainGenerator.Generate(plain)));
            void Proof() => Add("proof generation", Time(() => proof = prover.Prove(request)));
            if (round % 2 == 0) { Plain(); Proof(); }
            else { Proof(); Plain(); }
            Add("plain decode tok/s", plainRun.Stats.DecodeTokensPerSecond);
            Add("proof decode tok/s", proof.Stats.DecodeTokensPerSecond);

            var encoded = TranscriptCodec.Encode(proof.Transcript);
            Tier1Result tier1 = null!;
            Add("tier 1", Time(() => tier1 = Tier1Verifier.Verify(encoded, new Tier1Options([known]))));
            if (!tier1.Accepted) throw new InvalidOperationException($"honest window rejected by tier 1: {tier1.Rejections[0]}");
            var transcript = TranscriptCodec.Decode(encoded);
            Replay("tier 2, every position", transcript, transformer, new Tier2Options());
            // The verifier's private randomness seeds the sample (never a value from the proof: docs/protocol/security.md §4).
            var positionSeed = Bytes(ref rng);
            Replay($"tier 2, S = {options.Positions}", transcript, transformer, new Tier2Options
            {
                SampledPositions = options.Positions, PositionSeed = positionSeed,
            });

            // The bound: the replay context (prompt + 63 generated tokens) through the layers only, and with every row's logits.
            int[] context = [.. ProofSalt.ModelPrompt(proof.Transcript.Header), .. proof.Transcript.Steps.Take(WindowSize - 1).Select(s => s.Token)];
            var logits = new float[context.Length * vocab];
            Add("prefill, no logits", Time(() => Prefill(transformer, context, LogitsMode.None, Memory<float>.Empty)));
            Add("prefill, logits at every row", Time(() => Prefill(transformer, context, LogitsMode.All, logits)));
            // The S-sampled replay's forward pass alone: the context up to the last checked step, logits at the checked rows.
            int[] rows = ReplayPositions.Derive(positionSeed, WindowSize, options.Positions).Select(s => ModelPromptTokens - 1 + s).ToArray();
            var rowLogits = new float[rows.Length * vocab];
            Add($"prefill, logits at the S = {options.Positions} rows", Time(() => Prefill(transformer, context[..(rows[^1] + 1)], LogitsMode.Rows, rowLogits, rows)));
            CaptureSteps(proof.Transcript.Header, new StandardSampler(sampling), logits, vocab);
            Add("decode step", plainRun.Stats.DecodeSeconds * 1000 / plainRun.Stats.DecodeTokens);
            progress.Write('.');
        }
        progress.WriteLine();
        return Format(load, File.ReadAllText("/proc/loadavg").Trim(), weights.Source);
    }

    /// <summary>
    /// The capture's own cost, free of the forward pass and of load swings between runs: the proof sampler and the
    /// plain sampler over the same 64 logit rows (rows m-1.. of the replay prefill), timed per step.
    /// </summary>
    private void CaptureSteps(TranscriptHeader header, StandardSampler plain, float[] logits, int vocab)
    {
        var proofSampler = new ProofSampler(header, new LogitSketch(vocab));
        int[] context = ProofSalt.ModelPrompt(header);
        Add("proof sampler step", Time(() =>
        {
            for (int t = 0; t < WindowSize; t++) proofSampler.Sample(t, logits.AsSpan((ModelPromptTokens - 1 + t) * vocab, vocab), context);
        }) / WindowSize);
        Add("plain sampler step", Time(() =>
        {
            for (int t = 0; t < WindowSize; t++) plain.Sample(t, logits.AsSpan((ModelPromptTokens - 1 + t) * vocab, vocab), context);
        }) / WindowSize);

        // The parts: top K (the capture's and the engine's), statistics on the active ISA and on the scalar kernels.
        var ids = new int[Evidence];
        var values = new float[Evidence];
        var sketch = new LogitSketch(vocab);
        double PerRow(Action<int> row) => Time(() =>
        {
            for (int t = 0; t < WindowSize; t++) row((ModelPromptTokens - 1 + t) * vocab);
        }) / WindowSize;
        Add("top-K", PerRow(o => TopK.Select(logits.AsSpan(o, vocab), Evidence, ids, values)));
        Add("statistics", PerRow(o => LogitStatistics.Compute(logits.AsSpan(o, vocab), 0, sketch)));
        var active = NativeLibrary.ActiveIsa;
        NativeLibrary.ActiveIsa = NativeIsa.Scalar;
        try
        {
            Add("statistics (scalar kernel)", PerRow(o => LogitStatistics.Compute(logits.AsSpan(o, vocab), 0, sketch)));
        }
        finally
        {
            NativeLibrary.ActiveIsa = active;
        }
    }

    private void Replay(string name, ProofTranscript transcript, Transformer transformer, Tier2Options tier2)
    {
        IReadOnlyList<Rejection> rejections = [];
        Add(name, Time(() => rejections = Tier2Verifier.Verify(transcript, transformer, tier2)));
        if (rejections.Count > 0) throw new InvalidOperationException($"honest window rejected by {name}: {rejections[0]}");
    }

    private static void Prefill(Transformer transformer, int[] context, LogitsMode mode, Memory<float> logits, int[]? rows = null)
    {
        using var sequence = transformer.NewSequence(context.Length);
        transformer.Forward([new ForwardRequest(sequence, context, mode, logits, default, rows)]);
    }

    private string Format(string loadBefore, string loadAfter, string source)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"model: {source}; window of {WindowSize} tokens after a {PromptTokens}-token prompt and {SaltTokens} salt tokens, K = {Evidence}; {options.Threads} threads; {options.Rounds} rounds");
        sb.AppendLine(CultureInfo.InvariantCulture, $"load average before: {loadBefore}; after: {loadAfter}");
        sb.AppendLine();
        sb.AppendLine("| per window (median of rounds) | ms |");
        sb.AppendLine("| --- | ---: |");
        foreach (var name in new[] { "plain generation", "proof generation", "tier 1", "tier 2, every position", $"tier 2, S = {options.Positions}", "prefill, no logits", "prefill, logits at every row", $"prefill, logits at the S = {options.Positions} rows" })
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(_samples[name]):F1} |");
        sb.AppendLine();
        double overhead = Median(Ratios("proof decode tok/s", "plain decode tok/s").Select(r => 1 - r).ToList());
        sb.AppendLine(CultureInfo.InvariantCulture, $"capture overhead (decode tok/s, median of per-round ratios): {overhead * 100:F2} % " +
                                                    $"(plain {Median(_samples["plain decode tok/s"]):F1} tok/s, proof {Median(_samples["proof decode tok/s"]):F1} tok/s)");
        double plainStep = Median(_samples["plain sampler step"]), proofStep = Median(_samples["proof sampler step"]), decodeStep = Median(_samples["decode step"]);
        sb.AppendLine(CultureInfo.InvariantCulture, $"capture per step: proof sampler {proofStep * 1000:F1} us, plain sampler {plainStep * 1000:F1} us, decode step {decodeStep:F2} ms: " +
                                                    $"capture adds **{(proofStep - plainStep) / (decodeStep + plainStep) * 100:F2} %** per token");
        sb.AppendLine("capture parts per step (us): " + string.Join(", ",
            new[] { "top-K", "statistics", "statistics (scalar kernel)" }
                .Select(n => string.Create(CultureInfo.InvariantCulture, $"{n} {Median(_samples[n]) * 1000:F1}"))));
        foreach (var name in new[] { "tier 2, every position", $"tier 2, S = {options.Positions}", "prefill, no logits" })
        {
            var ratios = Ratios("proof generation", name);
            sb.AppendLine(CultureInfo.InvariantCulture, $"proof generation / {name}: **{Median(ratios):F1}x** (rounds: min {ratios.Min():F1}x, max {ratios.Max():F1}x)");
        }
        return sb.ToString();
    }

    private List<double> Ratios(string numerator, string denominator) =>
        _samples[numerator].Zip(_samples[denominator], (a, b) => a / b).ToList();

    private void Add(string name, double value)
    {
        if (!_samples.TryGetValue(name, out var list)) _samples[name] = list = [];
        list.Add(value);
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static byte[] Bytes(ref SplitMix64 rng)
    {
        var bytes = new byte[32];
        for (int i = 0; i < bytes.Length; i += 8) BitConverter.TryWriteBytes(bytes.AsSpan(i), rng.Next());
        return bytes;
    }
}
