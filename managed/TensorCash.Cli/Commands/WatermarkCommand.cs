using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Generation;
using TensorCash.Proving.Watermark;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash watermark embed|detect`: the keyed green-list watermark of Kirchenbauer et al. 2023.
/// embed generates with δ added to the green logits; detect scores token ids (or text through the model's tokenizer)
/// with the z-test, needing only the key, γ and the vocabulary size, never the model's weights or logits.
/// </summary>
public static class WatermarkCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("watermark", "Embed or detect a keyed green-list watermark (Kirchenbauer et al. 2023).");
        command.Add(Embed(console));
        command.Add(Detect(console));
        return command;
    }

    private static Option<string> Key() => new("--key")
    {
        Description = "Watermark key: hex bytes (e.g. 00ff...) or text prefixed with 'text:'. Keep it secret; anyone holding it can detect and forge.",
        Required = true,
        HelpName = "HEX|text:STRING",
    };

    private static Option<double> Gamma() => new("--gamma") { Description = "Green fraction γ in (0, 1); the list has round(γ·V) tokens.", DefaultValueFactory = _ => 0.25 };

    private static Command Embed(CliConsole console)
    {
        var model = CommonOptions.Model();
        var key = Key();
        var gamma = Gamma();
        var delta = new Option<double>("--delta") { Description = "Logit bias δ >= 0 added to green tokens before sampling.", DefaultValueFactory = _ => 2.0 };
        var prompt = new Option<string>("--prompt", "-p") { Description = "Prompt text (BOS added). Use this or --tokens." };
        var tokens = CommonOptions.Tokens("Prompt as comma-separated token ids. Use this or --prompt.");
        var maxTokens = CommonOptions.AtLeast(new Option<int>("--max-tokens", "-n") { Description = "Tokens to generate.", DefaultValueFactory = _ => 200 }, 1);
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (> 0).", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 1 };
        var threads = CommonOptions.Threads();
        var emit = new Option<string>("--emit") { Description = "'ids' (comma-separated token ids) or 'text'.", DefaultValueFactory = _ => "ids" };
        emit.AcceptOnlyFromAmong("ids", "text");

        var command = new Command("embed", "Generate a continuation with the watermark embedded (multinomial sampling, no top-k/top-p, no penalty).")
        {
            model, key, gamma, delta, prompt, tokens, maxTokens, temperature, seed, threads, emit,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(prompt) is null) == (result.GetResult(tokens) is null))
                result.AddError("give exactly one of --prompt TEXT or --tokens ID,ID,...");
        });
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            byte[] keyBytes = ParseKey(parsed.GetRequiredValue(key));
            double g = CheckGamma(parsed.GetValue(gamma));
            double d = parsed.GetValue(delta);
            if (!(d >= 0) || double.IsInfinity(d)) throw new UsageException($"--delta must be a finite number >= 0 (got {d})");
            float t = parsed.GetValue(temperature);
            if (!(t > 0) || float.IsInfinity(t)) throw new UsageException($"--temperature must be a finite number > 0 (got {t})");
            int limit = parsed.GetValue(maxTokens);

            using var session = ModelSession.Open(parsed.GetRequiredValue(model), parsed.GetValue(threads), withTokenizer: parsed.GetResult(prompt) is not null || parsed.GetValue(emit) == "text", console);
            int[] promptIds = parsed.GetResult(tokens) is null
                ? session.Tokenizer!.Encode(parsed.GetRequiredValue(prompt), addSpecialTokens: true)
                : parsed.GetRequiredValue(tokens);
            session.CheckTokens(promptIds, limit - 1);
            var list = new GreenList(keyBytes, g, session.Config.VocabSize);
            var sampler = new WatermarkSampler(new StandardSampler(new SamplingOptions
            {
                Temperature = t, TopK = 0, TopP = 1, RepetitionPenalty = 1, Seed = parsed.GetValue(seed),
            }), list, d);
            var result = new Generator(session.Transformer).Generate(new GenerationRequest(promptIds, sampler, limit), cancellation: cancellation);
            console.Out.WriteLine(parsed.GetValue(emit) == "ids" ? string.Join(',', result.Tokens) : session.Tokenizer!.Decode(result.Tokens));
            var score = WatermarkDetector.Score(list, result.Tokens, promptIds[^1]);
            console.Progress($"embedded: {score.Green}/{score.Scored} green tokens, z = {score.Z.ToString("F2", CultureInfo.InvariantCulture)} (γ = {list.EffectiveGamma:G4}, δ = {d})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Detect(CliConsole console)
    {
        var key = Key();
        var gamma = Gamma();
        var tokens = CommonOptions.Tokens("The text as comma-separated token ids. Use this or --text.");
        var text = new Option<string>("--text") { Description = "The text, tokenized with --model's tokenizer (no BOS). Use this or --tokens." };
        var model = new Option<string>("--model", "-m") { Description = "Model whose tokenizer and vocabulary size to use (its weights are only mapped, never run).", HelpName = "PATH|builtin:NAME" };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size V, instead of --model, with --tokens.", HelpName = "V" };
        var preceding = new Option<int?>("--preceding-token") { Description = "The token before the text (the prompt's last), so the first token is scored too.", HelpName = "ID" };
        var threshold = new Option<double>("--threshold") { Description = "Detect when z >= this (the paper uses 4).", DefaultValueFactory = _ => WatermarkDetector.DefaultThreshold };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var command = new Command("detect", "Score a text for the watermark: z = (green − γT) / sqrt(Tγ(1−γ)) over its tokens. Exit 0 either way; the verdict is printed.")
        {
            key, gamma, tokens, text, model, vocab, preceding, threshold, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(text) is null) == (result.GetResult(tokens) is null))
                result.AddError("give exactly one of --text TEXT or --tokens ID,ID,...");
            if ((result.GetResult(model) is null) == (result.GetResult(vocab) is null))
                result.AddError("give exactly one of --model M or --vocab V");
            if (result.GetResult(text) is not null && result.GetResult(model) is null)
                result.AddError("--text needs --model for its tokenizer");
        });
        command.SetAction(console.Guard((parsed, _) =>
        {
            byte[] keyBytes = ParseKey(parsed.GetRequiredValue(key));
            double g = CheckGamma(parsed.GetValue(gamma));
            double z0 = parsed.GetValue(threshold);
            if (double.IsNaN(z0)) throw new UsageException("--threshold is not a number");
            int vocabSize;
            int[] ids;
            if (parsed.GetResult(model) is not null)
            {
                string spec = parsed.GetRequiredValue(model);
                ModelResolver.EnsureExists(spec);
                using var weights = ModelResolver.LoadWeights(spec);
                vocabSize = weights.Config.VocabSize;
                ids = parsed.GetResult(text) is not null
                    ? ModelResolver.LoadTokenizer(spec, weights.Config.VocabSize).Encode(parsed.GetRequiredValue(text), addSpecialTokens: false)
                    : parsed.GetRequiredValue(tokens);
            }
            else
            {
                vocabSize = parsed.GetValue(vocab);
                if (vocabSize < 2) throw new UsageException($"--vocab must be >= 2 (got {vocabSize})");
                ids = parsed.GetRequiredValue(tokens);
            }
            for (int i = 0; i < ids.Length; i++)
                if ((uint)ids[i] >= (uint)vocabSize) throw new UsageException($"token {ids[i]} (position {i}) is outside the vocabulary [0, {vocabSize})");
            int? before = parsed.GetValue(preceding);
            if (before is { } b && (uint)b >= (uint)vocabSize) throw new UsageException($"--preceding-token {b} is outside the vocabulary [0, {vocabSize})");

            var list = new GreenList(keyBytes, g, vocabSize);
            var score = WatermarkDetector.Score(list, ids, before, z0);
            if (parsed.GetValue(json))
                console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    scored = score.Scored, green = score.Green, gamma = list.EffectiveGamma, z = score.Z, threshold = z0, detected = score.Detected,
                }));
            else
                console.Out.WriteLine($"{score.Green}/{score.Scored} green (expected {list.EffectiveGamma * score.Scored:F1}), z = {score.Z.ToString("F2", CultureInfo.InvariantCulture)}: " +
                                      (score.Detected ? "WATERMARKED" : "no watermark detected") + $" (threshold {z0.ToString(CultureInfo.InvariantCulture)})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static double CheckGamma(double g) =>
        g > 0 && g < 1 ? g : throw new UsageException($"--gamma must be in (0, 1) (got {g})");

    /// <summary>Hex bytes, or 'text:...' as UTF-8; empty and over-long keys are usage errors.</summary>
    internal static byte[] ParseKey(string value)
    {
        byte[] bytes;
        if (value.StartsWith("text:", StringComparison.Ordinal)) bytes = Encoding.UTF8.GetBytes(value[5..]);
        else
        {
            try { bytes = Convert.FromHexString(value); }
            catch (FormatException) { throw new UsageException("--key must be hex bytes (an even number of 0-9a-f digits) or 'text:...'"); }
        }
        if (bytes.Length == 0 || bytes.Length > GreenList.MaxKeyBytes)
            throw new UsageException($"--key must have 1 to {GreenList.MaxKeyBytes} bytes (got {bytes.Length})");
        return bytes;
    }
}
