using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TensorCash.Engine.Generation;
using TensorCash.Proving.ModelEquality;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash met`: Model Equality Testing (Gao et al. 2025). Samples completions from the reference and the
/// candidate model on the same seeded prompts and runs the Hamming-kernel MMD permutation test; with --trials it
/// estimates power and false-positive rate from pools instead (bench/results/met.md).
/// </summary>
public static class MetCommand
{
    public static Command Create(CliConsole console)
    {
        var reference = new Option<string>("--reference") { Description = "The declared model (a .gguf file, a Hugging Face directory or builtin:NAME).", Required = true, HelpName = "M" };
        var candidate = new Option<string>("--candidate") { Description = "The model under test (same forms as --reference; same vocabulary).", Required = true, HelpName = "M2" };
        var prompts = CommonOptions.AtLeast(new Option<int>("--prompts") { Description = "Number of prompts N (random token prompts from --seed).", DefaultValueFactory = _ => 10, HelpName = "N" }, 1);
        var promptLength = CommonOptions.AtLeast(new Option<int>("--prompt-length") { Description = "Random tokens per prompt, after BOS.", DefaultValueFactory = _ => 8, HelpName = "N" }, 0);
        var samples = new Option<string>("--samples") { Description = "Completions per prompt m from each model; with --trials a comma list of m values.", DefaultValueFactory = _ => "10", HelpName = "M[,M...]" };
        var length = CommonOptions.AtLeast(new Option<int>("--length", "-L") { Description = "Tokens per completion L (the kernel's positions).", DefaultValueFactory = _ => 32, HelpName = "L" }, 1);
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (> 0; the test compares distributions, so greedy decoding is meaningless).", DefaultValueFactory = _ => 1f };
        var permutations = CommonOptions.AtLeast(new Option<int>("--permutations", "-B") { Description = "Permutations for the p-value.", DefaultValueFactory = _ => 1000, HelpName = "B" }, 1);
        var alpha = new Option<double>("--alpha") { Description = "Significance level.", DefaultValueFactory = _ => 0.05 };
        var trials = CommonOptions.AtLeast(new Option<int>("--trials") { Description = "Estimate power and false-positive rate over this many trials drawn from pools (0 = one test).", DefaultValueFactory = _ => 0 }, 0);
        var pool = CommonOptions.AtLeast(new Option<int>("--pool") { Description = "With --trials: completions per prompt drawn from each model (>= 2 × the largest m).", DefaultValueFactory = _ => 0 }, 0);
        var seed = new Option<ulong>("--seed") { Description = "Seed of prompts, samples and permutations; the same seed reproduces every number.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };

        var command = new Command("met", "Model Equality Testing: is the candidate serving the reference model's distribution? (MMD with a Hamming kernel, permutation p-value)")
        {
            reference, candidate, prompts, promptLength, samples, length, temperature, permutations, alpha, trials, pool, seed, threads, json,
        };
        command.SetAction(console.Guard((parsed, _) =>
        {
            float t = parsed.GetValue(temperature);
            if (!(t > 0) || float.IsInfinity(t)) throw new UsageException($"--temperature must be a finite number > 0 (got {t})");
            double a = parsed.GetValue(alpha);
            if (!(a > 0 && a < 1)) throw new UsageException($"--alpha must be in (0, 1) (got {a})");
            int b = parsed.GetValue(permutations);
            if (b > MmdPermutationTest.MaxPermutations) throw new UsageException($"--permutations must be <= {MmdPermutationTest.MaxPermutations}");
            int l = parsed.GetValue(length);
            if (l > HammingMmd.MaxCompletionLength) throw new UsageException($"--length must be <= {HammingMmd.MaxCompletionLength}");
            var ms = ParseSizes(parsed.GetRequiredValue(samples));
            int trialCount = parsed.GetValue(trials);
            if (trialCount == 0 && ms.Length != 1) throw new UsageException("--samples takes one value unless --trials is given");
            int poolSize = trialCount == 0 ? ms[0] : Math.Max(parsed.GetValue(pool), 2 * ms.Max());
            if (trialCount > 0 && parsed.GetValue(pool) is > 0 and var given && given < 2 * ms.Max())
                throw new UsageException($"--pool {given} is smaller than 2 × the largest --samples ({2 * ms.Max()})");
            ulong s = parsed.GetValue(seed);
            int threadCount = parsed.GetValue(threads);
            var sampling = new SamplingOptions { Temperature = t, TopK = 0, TopP = 1, RepetitionPenalty = 1 };

            int[][] promptIds;
            int[][][] refPool, candPool;
            string refName, candName;
            using (var refSession = ModelSession.Open(parsed.GetRequiredValue(reference), threadCount, withTokenizer: false, console))
            {
                var c = refSession.Config;
                int? bos = BosOf(parsed.GetRequiredValue(reference), refSession);
                promptIds = CompletionSampler.RandomPrompts(parsed.GetValue(prompts), parsed.GetValue(promptLength), Math.Min(c.VocabSize, 256), bos, s);
                refSession.CheckTokens(promptIds[0], l);
                refName = refSession.Weights.Source;
                refPool = CompletionSampler.Sample(refSession.Transformer, promptIds, trialCount == 0 ? ms[0] : poolSize, l, sampling, s ^ 0x5245_4600UL);
            }
            using (var candSession = ModelSession.Open(parsed.GetRequiredValue(candidate), threadCount, withTokenizer: false, console))
            {
                candSession.CheckTokens(promptIds[0], l);
                candName = candSession.Weights.Source;
                candPool = CompletionSampler.Sample(candSession.Transformer, promptIds, trialCount == 0 ? ms[0] : poolSize, l, sampling, s ^ 0x4341_4E44UL);
            }

            if (trialCount == 0)
            {
                var result = MmdPermutationTest.Run(new MmdSamples(refPool, candPool, l), b, s ^ 0x5045_524DUL, a);
                if (parsed.GetValue(json))
                    console.Out.WriteLine(JsonSerializer.Serialize(new
                    {
                        reference = refName, candidate = candName, prompts = promptIds.Length, samples_per_prompt = ms[0], length = l,
                        temperature = t, permutations = b, seed = s, mmd2 = result.Mmd2, p_value = result.PValue, alpha = a, rejected = result.Rejected,
                    }));
                else
                    console.Out.WriteLine($"MMD² {result.Mmd2.ToString("G6", CultureInfo.InvariantCulture)}  p = {result.PValue.ToString("G4", CultureInfo.InvariantCulture)} " +
                                          $"(B = {b}): {(result.Rejected ? $"REJECT equality at α = {a}" : $"no evidence of a different model at α = {a}")}");
                return ExitCodes.Success;
            }

            var points = ms.Select(m => MetPowerEstimate.Estimate(refPool, candPool, l, m, trialCount, b, a, s ^ (ulong)m << 20)).ToArray();
            if (parsed.GetValue(json))
                console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    reference = refName, candidate = candName, prompts = promptIds.Length, length = l, temperature = t, permutations = b,
                    alpha = a, trials = trialCount, pool = poolSize, seed = s,
                    points = points.Select(p => new { samples_per_prompt = p.SamplesPerPrompt, power = p.Power, fpr = p.FalsePositiveRate }),
                }));
            else
                foreach (var p in points)
                    console.Out.WriteLine($"m = {p.SamplesPerPrompt,4}: power {p.Power:F3} ({p.PowerRejections}/{p.Trials}), false-positive rate {p.FalsePositiveRate:F3} ({p.NullRejections}/{p.Trials})");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The reference's BOS id when it has a tokenizer; random-weight GGUF files without one get prompts without BOS.</summary>
    private static int? BosOf(string spec, ModelSession session)
    {
        try { return ModelResolver.LoadTokenizer(spec, session.Weights.Config.VocabSize).BosTokenId; }
        catch (UsageException) { return null; }
    }

    private static int[] ParseSizes(string text)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new UsageException($"--samples item '{items[i]}' is not a positive integer");
            else if (sizes[i] < 2)
                throw new UsageException("--samples must be >= 2: with one completion per prompt per side the within-prompt permutation test cannot reject");
        return sizes;
    }
}
