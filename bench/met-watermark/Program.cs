// Issue 19 parts 3 and 4 on builtin:tiny: power/FPR of Model Equality Testing against substitutes, and the
// watermark's FPR/TPR and distortion. Usage: dotnet run -c Release -- met|watermark|all [threads]
// Every number is a function of the constants below (seeds included); results go to stdout as Markdown tables.
using System.Diagnostics;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proving.ModelEquality;
using TensorCash.Proving.Watermark;

string what = args.Length > 0 ? args[0] : "all";
int threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
var clock = Stopwatch.StartNew();
float metTemperature = args.Length > 2 ? float.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1f;
if (what is "met" or "all") MetBench.Run(threads, metTemperature, watermarked: false);
if (what is "met-watermark" or "all") MetBench.Run(threads, metTemperature, watermarked: true);
if (what is "watermark" or "all") WatermarkBench.Run(threads);
Console.Error.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s");

internal static class MetBench
{
    private const int Prompts = 10, PromptTokens = 8, Length = 32, Pool = 200, Trials = 100, Permutations = 200;
    private const ulong Seed = 19_03;
    private static readonly int[] SamplesPerPrompt = [2, 5, 10, 20, 50];
    private const double Alpha = 0.05;

    /// <summary>The paper's watermark distortion: tiny itself, sampled through the green-list bias (key and settings of the watermark bench).</summary>
    private static readonly (string Name, double Gamma, double Delta)[] Watermarks = [("tiny + watermark γ 0.25 δ 1", 0.25, 1), ("tiny + watermark γ 0.25 δ 2", 0.25, 2)];

    public static void Run(int threads, float temperature, bool watermarked)
    {
        var sampling = new SamplingOptions { Temperature = temperature, TopK = 0, TopP = 1, RepetitionPenalty = 1 };
        var prompts = CompletionSampler.RandomPrompts(Prompts, PromptTokens, 256, BuiltinModels.TinyBosId, Seed);
        int[][][] refPool;
        var t0 = Stopwatch.StartNew();
        using (var w = Substitutes.Reference())
        using (var tr = Transformer.Create(w, threads))
            refPool = CompletionSampler.Sample(tr, prompts, Pool, Length, sampling, Seed ^ 1);
        Console.Error.WriteLine($"reference pool: {Prompts * Pool * Length} tokens in {t0.Elapsed.TotalSeconds:F1} s");

        Console.WriteLine($"### Temperature {temperature}: N = {Prompts} prompts, L = {Length} tokens, pool {Pool}/prompt/model, {Trials} trials, B = {Permutations}, α = {Alpha}");
        Console.WriteLine();
        Console.WriteLine("| substitute | " + string.Join(" | ", SamplesPerPrompt.Select(m => $"power m={m}")) + " | FPR (m=2..50) | MMD² (m=pool) |");
        Console.WriteLine("|---|" + string.Concat(SamplesPerPrompt.Select(_ => "---|")) + "---|---|");
        int substituteIndex = watermarked ? 10 : 0;
        (string Name, Func<ModelWeights> Load, Func<int, ITokenSampler, ITokenSampler> Wrap)[] candidates = watermarked
            ? Watermarks.Select(m => (m.Name, Load: (Func<ModelWeights>)Substitutes.Reference,
                Wrap: (Func<int, ITokenSampler, ITokenSampler>)((_, inner) => new WatermarkSampler(inner, new GreenList("TensorCash watermark bench key"u8, m.Gamma, 264), m.Delta))))
                .ToArray()
            : Substitutes.All.Select(s => (s.Name, s.Load, Wrap: (Func<int, ITokenSampler, ITokenSampler>)((_, inner) => inner))).ToArray();
        foreach (var (name, load, wrap) in candidates)
        {
            substituteIndex++;
            int[][][] candPool;
            using (var w = load())
            using (var tr = Transformer.Create(w, threads))
                candPool = CompletionSampler.Sample(tr, prompts, Pool, Length, sampling, Seed ^ (ulong)(100 + substituteIndex), wrap);
            var points = SamplesPerPrompt.Select(m => MetPowerEstimate.Estimate(refPool, candPool, Length, m, Trials, Permutations, Alpha,
                Seed ^ ((ulong)substituteIndex << 32) ^ (ulong)m)).ToArray();
            double full = HammingMmd.Mmd2(new MmdSamples(refPool, candPool, Length));
            Console.WriteLine($"| {name} | " + string.Join(" | ", points.Select(p => $"{p.Power:F2}")) +
                              $" | {string.Join(" / ", points.Select(p => $"{p.FalsePositiveRate:F2}"))} | {full:E2} |");
            Console.Error.WriteLine($"{name}: done at {t0.Elapsed.TotalSeconds:F1} s");
        }
        Console.WriteLine();
    }
}

internal static class WatermarkBench
{
    private const int Sequences = 100, Tokens = 200, PromptTokens = 8;
    private const ulong Seed = 19_04;
    private static readonly int[] Checkpoints = [50, 100, 200];
    private static readonly (double Gamma, double Delta)[] Settings = [(0.25, 1), (0.5, 1), (0.25, 2), (0.5, 2), (0.25, 5), (0.5, 5)];
    private static readonly byte[] Key = "TensorCash watermark bench key"u8.ToArray();
    private static readonly byte[] OtherKey = "a different key"u8.ToArray();

    public static void Run(int threads)
    {
        foreach (float temperature in new[] { 1.0f, 0.7f })
        {
            var sampling = new SamplingOptions { Temperature = temperature, TopK = 0, TopP = 1, RepetitionPenalty = 1 };
            var prompts = CompletionSampler.RandomPrompts(Sequences, PromptTokens, 256, BuiltinModels.TinyBosId, Seed);
            using var weights = Substitutes.Reference();
            using var transformer = Transformer.Create(weights, threads);
            var plain = Generate(transformer, prompts, sampling, null, 0);

            Console.WriteLine($"### Temperature {temperature}: {Sequences} sequences of {Tokens} tokens, multinomial sampling over V = 264, threshold z = 4");
            Console.WriteLine();
            Console.WriteLine("| γ | δ | FPR plain T=50/100/200 | null z mean ± sd (T=200) | TPR T=50 | TPR T=100 | TPR T=200 | other key T=200 | mean z T=200 | green mass p → q | KL(q‖p) /token | TV /token | PPL plain → wm | first divergence |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (gamma, delta) in Settings)
            {
                var list = new GreenList(Key, gamma, transformer.Config.VocabSize);
                var other = new GreenList(OtherKey, gamma, transformer.Config.VocabSize);
                var marked = Generate(transformer, prompts, sampling, list, delta);
                string fpr = string.Join(" / ", Checkpoints.Select(t => Rate(plain, list, prompts, t)));
                var nullZ = plain.Select((r, i) => WatermarkDetector.Score(list, r.Tokens, prompts[i][^1]).Z).ToArray();
                var tpr = Checkpoints.Select(t => Rate(marked, list, prompts, t)).ToArray();
                string otherKey = Rate(marked, other, prompts, Tokens);
                double meanZ = marked.Select((r, i) => WatermarkDetector.Score(list, r.Tokens, prompts[i][^1]).Z).Average();
                var steps = marked.SelectMany(r => r.Steps).ToArray();
                double pplPlain = Math.Exp(plain.SelectMany(r => r.Steps).Average(s => s.PlainNll));
                double pplMarked = Math.Exp(steps.Average(s => s.PlainNll));
                double divergence = marked.Select((r, i) => FirstDifference(r.Tokens, plain[i].Tokens)).Average();
                Console.WriteLine($"| {gamma} | {delta} | {fpr} | {nullZ.Average():F2} ± {Sd(nullZ):F2} | {tpr[0]} | {tpr[1]} | {tpr[2]} | {otherKey} | {meanZ:F1} | " +
                                  $"{steps.Average(s => s.Effect.GreenMassPlain):F3} → {steps.Average(s => s.Effect.GreenMassWatermarked):F3} | " +
                                  $"{steps.Average(s => s.Effect.KlQP):F3} | {steps.Average(s => s.Effect.TotalVariation):F3} | {pplPlain:F1} → {pplMarked:F1} | {divergence:F1} |");
            }
            double entropy = plain.SelectMany(r => r.Steps).Average(s => s.PlainEntropy);
            Console.WriteLine();
            Console.WriteLine($"Mean next-token entropy of the plain model at this temperature: {entropy:F2} nats (uniform over 264: {Math.Log(264):F2}).");
            Console.WriteLine();
        }
    }

    private sealed record Step(double PlainNll, double PlainEntropy, StepDistortion Effect);
    private sealed record Generation(int[] Tokens, List<Step> Steps);

    /// <summary>Sequence i uses seed Seed+i with or without the watermark, so plain and watermarked runs share their draws.</summary>
    private static Generation[] Generate(Transformer transformer, int[][] prompts, SamplingOptions sampling, GreenList? list, double delta)
    {
        var recorders = new Recorder[prompts.Length];
        var requests = prompts.Select((p, i) =>
        {
            ITokenSampler inner = new StandardSampler(sampling with { Seed = Seed + (ulong)i });
            if (list is not null) inner = new WatermarkSampler(inner, list, delta);
            recorders[i] = new Recorder(inner, list ?? new GreenList(Key, 0.5, transformer.Config.VocabSize), list is null ? 0 : delta, sampling.Temperature);
            return new GenerationRequest(p, recorders[i], Tokens);
        }).ToArray();
        var outputs = new List<GenerationResult>();
        var generator = new Generator(transformer);
        for (int first = 0; first < requests.Length; first += 50) outputs.AddRange(generator.GenerateBatch(requests.Skip(first).Take(50).ToArray()));
        return outputs.Select((o, i) => new Generation(o.Tokens, recorders[i].Steps)).ToArray();
    }

    /// <summary>Sees the raw logits before the watermark: the chosen token's NLL under the plain model, and the step's distortion.</summary>
    private sealed class Recorder(ITokenSampler inner, GreenList list, double delta, float temperature) : ITokenSampler
    {
        public List<Step> Steps { get; } = new();

        public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
        {
            int token = inner.Sample(step, logits, context);
            double max = double.NegativeInfinity;
            foreach (float l in logits) max = Math.Max(max, l);
            double z = 0, weighted = 0;
            foreach (float l in logits)
            {
                double e = Math.Exp((l - max) / temperature);
                z += e;
                weighted += e * (l - max) / temperature;
            }
            double logZ = Math.Log(z);
            double nll = logZ - (logits[token] - max) / temperature;
            double entropy = logZ - weighted / z;
            Steps.Add(new Step(nll, entropy, WatermarkDistortion.Measure(logits, list.Mask(context[^1]), delta, temperature)));
            return token;
        }
    }

    private static string Rate(Generation[] runs, GreenList list, int[][] prompts, int tokens)
    {
        int hits = runs.Select((r, i) => WatermarkDetector.Score(list, r.Tokens.AsSpan(0, tokens), prompts[i][^1]).Detected).Count(d => d);
        return $"{(double)hits / runs.Length:F2}";
    }

    private static int FirstDifference(int[] a, int[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }

    private static double Sd(double[] xs)
    {
        double mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1));
    }
}
