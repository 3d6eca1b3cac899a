using System.Globalization;
using System.Text;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proving;

namespace TensorCash.Calibration;

/// <summary>
/// The entropy ceiling on a trained model (issue 18): the distribution of the per-window mean sampled probability
/// (the value EntropyCeiling compares with 0.85, recomputed as tier 1 does by <see cref="WindowProbabilities"/>) over
/// honest windows on real prompts, per prompt set, at W 64 and W 16 and at each --tau-milli temperature (default the
/// pinned τ 1), and the fraction of honest windows that fail the ceiling. For contrast it runs the greedy-like window
/// the ceiling exists for (every logit x8 before capture: τ/8) on the same prompts.
///
/// The W-16 figures are the first 16 steps of each W-64 window: the draws are uniform whatever W is, so those steps are
/// distributed exactly as a W-16 window after the same prompt (and cost a quarter of a separate run).
/// </summary>
public sealed class CeilingBench(CalibrationOptions options)
{
    private const int Long = 64, Short = 16;
    private static readonly double Ceiling = EntropyCeiling.DefaultCeilingQ32 / 4294967296.0;

    private sealed record Sample(string Set, double Mean64, double Mean16);

    public string Run(TextWriter progress)
    {
        using var model = TrainedModel.Load(options);
        var identity = ModelIdentity.Compute(model.Weights);
        using var engine = Transformer.Create(model.Weights, options.Threads);
        var prover = new ProofGenerator(engine, identity);
        int[] temperatures = options.Temperatures.Length > 0 ? options.Temperatures : [1000];

        var sb = new StringBuilder();
        sb.AppendLine($"model: {model.Describe()}");
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Honest} honest windows of W = {Long} per temperature (W = {Short}: their first {Short} steps); top-k 32, top-p 0.95, K 32, S {TrainedModel.SaltTokens}, ceiling {Ceiling:F4}; prompts drawn uniformly from the file; {options.PerAttack} greedy-like (logits x8) windows per temperature"));
        var byTemperature = new List<(int Milli, List<Sample> Honest, List<Sample> Sharp)>();
        foreach (int milli in temperatures)
        {
            uint tauQ16 = (uint)Math.Max(DecodeParameters.MinTemperatureQ16, milli * 65536L / 1000);
            var profile = model.Profile(Long, tauQ16);
            var rng = new SplitMix64(0xCE11_0000UL + (ulong)milli);
            var honest = new List<Sample>();
            var sharp = new List<Sample>();
            for (int i = 0; i < options.Honest + options.PerAttack; i++)
            {
                var (set, prompt) = model.Prompts[(int)(rng.Next() % (ulong)model.Prompts.Count)];
                var binding = new ChainBinding(RandomBytes(ref rng), RandomBytes(ref rng), rng.Next() % 1_000_000);
                var sampler = prover.CreateSampler(prompt, profile, binding);
                ITokenSampler driver = i < options.Honest ? sampler : new ScalingSampler(sampler, 8f);
                new Generator(engine).Generate(new GenerationRequest(sampler.ModelPrompt, driver, profile.WindowSize), null);
                var p = WindowProbabilities.Of(sampler.ToTranscript());
                var sample = new Sample(set, WindowProbabilities.Mean(p, 0, Long), WindowProbabilities.Mean(p, 0, Short));
                (i < options.Honest ? honest : sharp).Add(sample);
                if ((i + 1) % 50 == 0) progress.WriteLine($"  τ {milli / 1000.0}: {i + 1}/{options.Honest + options.PerAttack}");
            }
            byTemperature.Add((milli, honest, sharp));
        }

        sb.AppendLine();
        sb.AppendLine("Percentiles of the per-window mean sampled probability (honest windows, all prompt sets):");
        sb.AppendLine();
        sb.AppendLine("| τ | W | windows | p1 | p5 | p10 | p25 | p50 | p75 | p90 | p95 | p99 | max | fail 0.85 | ceiling failing 5 % | ceiling failing 1 % |");
        sb.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (milli, honest, _) in byTemperature)
            foreach (int w in new[] { Short, Long })
            {
                var values = honest.Select(s => w == Long ? s.Mean64 : s.Mean16).Order().ToArray();
                string Q(double q) => Quantile(values, q).ToString("F3", CultureInfo.InvariantCulture);
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {milli / 1000.0:0.###} | {w} | {values.Length} | {Q(0.01)} | {Q(0.05)} | {Q(0.10)} | {Q(0.25)} | {Q(0.50)} | {Q(0.75)} | {Q(0.90)} | {Q(0.95)} | {Q(0.99)} | {values[^1]:F3} | **{Fail(values):F1} %** | {Q(0.95)} | {Q(0.99)} |"));
            }

        sb.AppendLine();
        sb.AppendLine("Fraction failing the 0.85 ceiling per prompt set (honest), and the greedy-like windows (logits x8) it catches:");
        sb.AppendLine();
        sb.AppendLine("| τ | prompt set | windows | fail at W 16 | fail at W 64 | median mean π W 64 |");
        sb.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var (milli, honest, sharp) in byTemperature)
        {
            foreach (var group in honest.GroupBy(s => s.Set).OrderBy(g => g.Key))
                sb.AppendLine(Row(milli, group.Key, group.ToList()));
            if (sharp.Count > 0) sb.AppendLine(Row(milli, "**logits x8 (greedy-like attack), all sets**", sharp));
        }

        sb.AppendLine();
        sb.AppendLine("Histogram of the per-window mean sampled probability (honest windows; bins 0.05 wide, upper edge inclusive):");
        sb.AppendLine();
        var columns = byTemperature.SelectMany(t => new[] { (t.Milli, W: Short, t.Honest), (t.Milli, W: Long, t.Honest) }).ToList();
        sb.AppendLine("| mean π in | " + string.Join(" | ", columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"τ {c.Milli / 1000.0:0.###}, W {c.W}"))) + " |");
        sb.AppendLine("| --- |" + string.Concat(columns.Select(_ => " ---: |")));
        for (int bin = 0; bin < 20; bin++)
        {
            double lo = bin * 0.05, hi = lo + 0.05;
            var counts = columns.Select(c => c.Honest.Count(s => InBin(c.W == Long ? s.Mean64 : s.Mean16, lo, hi, bin)));
            if (columns.All(c => !c.Honest.Any(s => InBin(c.W == Long ? s.Mean64 : s.Mean16, lo, hi, bin)))) continue;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| ({lo:F2}, {hi:F2}] | ") + string.Join(" | ", counts) + " |");
        }
        return sb.ToString();
    }

    private static bool InBin(double v, double lo, double hi, int bin) => (bin == 0 ? v >= lo : v > lo) && v <= hi + 1e-12;

    private static string Row(int milli, string set, List<Sample> samples) => string.Create(CultureInfo.InvariantCulture,
        $"| {milli / 1000.0:0.###} | {set} | {samples.Count} | {Fail(samples.Select(s => s.Mean16)):F1} % | {Fail(samples.Select(s => s.Mean64)):F1} % | {Quantile(samples.Select(s => s.Mean64).Order().ToArray(), 0.5):F3} |");

    private static double Fail(IEnumerable<double> means)
    {
        var list = means.ToList();
        return list.Count == 0 ? double.NaN : 100.0 * list.Count(m => m > Ceiling) / list.Count;
    }

    /// <summary>The nearest-rank quantile of sorted values.</summary>
    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static byte[] RandomBytes(ref SplitMix64 rng)
    {
        var bytes = new byte[32];
        for (int i = 0; i < 32; i += 8) BitConverter.TryWriteBytes(bytes.AsSpan(i), rng.Next());
        return bytes;
    }
}
