using System.CommandLine;
using System.Diagnostics;
using TensorCash.Cli.Bench;
using TensorCash.Engine.Generation;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;

namespace TensorCash.Cli.Commands;

/// <summary>`tensorcash prove`: proof-bearing generation; writes the transcript and prints the window candidates.</summary>
public static class ProveCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var prompt = new Option<string>("--prompt", "-p") { Description = "Prompt text, encoded with the model's tokenizer (BOS added). Use this or --tokens." };
        var tokens = CommonOptions.Tokens("Prompt as comma-separated token ids, used as given. Use this or --prompt.");
        var proof = new ProofOptions(bindingRequired: true);
        var window = CommonOptions.AtLeast(new Option<int>("--window") { Description = "Window size W: the proof's generated tokens, 1..4096 (EOS does not stop a proof). A chain pins W per model.", DefaultValueFactory = _ => 64 }, 1);
        var salt = CommonOptions.AtLeast(new Option<int>("--salt") { Description = "Chain-bound salt tokens S fed between the prompt and the window, 1..16 (pick V^S >= 2^32). A chain pins S per model.", DefaultValueFactory = _ => 4 }, 1);
        var temperature = new Option<float>("--temperature") { Description = "Softmax temperature, 0.0625..16 (greedy cannot mine), stored as Q16.16.", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "Sample among the K most likely committed candidates; 0 = all of them.", DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { Description = "Nucleus mass in (0, 1]; 1 = off. Stored as Q.32.", DefaultValueFactory = _ => 0.95f };
        var penalty = new Option<float>("--repetition-penalty") { Description = "Repetition penalty 0.5..4 over the whole context; 1 = off. Stored as Q16.16.", DefaultValueFactory = _ => 1.1f };
        var evidence = CommonOptions.AtLeast(new Option<int>("--evidence") { Description = "Evidence candidates K committed per step (>= top-k, <= vocabulary).", DefaultValueFactory = _ => 64 }, 1);
        var threads = CommonOptions.Threads();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the transcript.", Required = true, HelpName = "FILE" };
        var baseline = CommonOptions.AtLeast(new Option<int>("--baseline")
        {
            Description = "Measure capture overhead: run plain generation (standard sampler, same settings and token count) and the proof run " +
                          "alternately this many times each, then print both decode rates. 0 = off.",
            DefaultValueFactory = _ => 0,
        }, 0);
        var receipt = new Option<string>("--receipt") { Description = "Also write the job's receipt here (software TEST attestation; see 'tensorcash receipt').", HelpName = "FILE" };
        var nodeKey = new Option<string>("--node-key") { Description = "The node's secp256k1 secret key file (64 hex digits) that signs the receipt. Default: a fresh test key.", HelpName = "FILE" };
        var payerKey = new Option<string>("--payer-key") { Description = "The payer's secp256k1 secret key file that co-signs the receipt. Default: a fresh test key.", HelpName = "FILE" };

        var command = new Command("prove", "Generate with proof of inference: draws bound to the chain, top-K evidence, Merkle windows. " +
                                           "Writes the transcript to --out and prints each window's proof commitment, nonce and eligibility.")
        {
            model, prompt, tokens, window, salt, temperature, topK, topP, penalty, evidence, threads, output, baseline, receipt, nodeKey, payerKey,
        };
        foreach (var option in proof.All) command.Add(option);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(prompt) is null) == (result.GetResult(tokens) is null))
                result.AddError("give exactly one of --prompt TEXT or --tokens ID,ID,...");
            if (result.GetResult(receipt) is null && (result.GetResult(nodeKey) is not null || result.GetResult(payerKey) is not null))
                result.AddError("--node-key and --payer-key sign a receipt; give --receipt FILE too");
        });

        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            var binding = proof.GetBinding(parsed)!;
            var decode = ToDecodeParameters(parsed.GetValue(temperature), parsed.GetValue(topK), parsed.GetValue(topP), parsed.GetValue(penalty));
            int windowSize = parsed.GetValue(window), saltTokens = parsed.GetValue(salt), threadCount = parsed.GetValue(threads);
            string outPath = parsed.GetRequiredValue(output);

            using var session = ModelSession.Open(parsed.GetRequiredValue(model), threadCount, withTokenizer: parsed.GetResult(tokens) is null, console);
            int[] promptIds = parsed.GetResult(tokens) is null
                ? session.Tokenizer!.Encode(parsed.GetRequiredValue(prompt), addSpecialTokens: true)
                : parsed.GetRequiredValue(tokens);
            session.CheckTokens(promptIds, saltTokens + windowSize - 1);
            int evidenceCount = parsed.GetValue(evidence);
            if (evidenceCount > session.Config.VocabSize)
                throw new UsageException($"--evidence {evidenceCount} exceeds the model's vocabulary of {session.Config.VocabSize}");
            if (evidenceCount < decode.TopK)
                throw new UsageException($"--evidence {evidenceCount} is below --top-k {decode.TopK}; the evidence must cover top-k");
            int promptCap = Math.Max(promptIds.Length, Math.Min(TranscriptLimits.MaxPromptTokens, session.Config.MaxSequenceLength - saltTokens - windowSize));
            ProveRequest request;
            try
            {
                var profile = new ProofProfile(decode, evidenceCount, windowSize, proof.GetPrecision(parsed), session.Config.VocabSize, saltTokens, promptCap);
                request = new ProveRequest(promptIds, profile, binding);
            }
            catch (ProofInputException e)
            {
                throw new UsageException(e.Message);
            }

            long hashStart = Stopwatch.GetTimestamp();
            var identity = ModelIdentity.Compute(session.Weights);
            console.Progress($"model id {identity.Hex} ({Stopwatch.GetElapsedTime(hashStart).TotalSeconds:F2} s)");

            ProveResult result;
            try
            {
                var prover = new ProofGenerator(session.Transformer, identity);
                result = prover.Prove(request, cancellation);
                int repeats = parsed.GetValue(baseline);
                if (repeats > 0)
                {
                    var plain = new SamplingOptions
                    {
                        Temperature = parsed.GetValue(temperature), TopK = parsed.GetValue(topK), TopP = parsed.GetValue(topP),
                        RepetitionPenalty = parsed.GetValue(penalty), Seed = 1,
                    };
                    CaptureOverhead.Measure(console.Out, session.Transformer, prover, request, plain, repeats, cancellation);
                }
            }
            catch (ProofInputException e)
            {
                throw new UsageException(e.Message);
            }
            var bytes = TranscriptCodec.Encode(result.Transcript);
            File.WriteAllBytes(outPath, bytes);
            PrintSummary(console.Out, outPath, bytes.Length, result);
            if (parsed.GetValue(receipt) is { } receiptPath)
                ProveReceipt.Write(console, receiptPath, request, result, identity, parsed.GetValue(nodeKey), parsed.GetValue(payerKey));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>CLI floats to the consensus fixed point (rounded to nearest); out-of-range values are usage errors.</summary>
    public static DecodeParameters ToDecodeParameters(float temperature, int topK, float topP, float penalty)
    {
        if (!float.IsFinite(temperature) || !float.IsFinite(topP) || !float.IsFinite(penalty))
            throw new UsageException("--temperature, --top-p and --repetition-penalty must be finite numbers");
        try
        {
            return new DecodeParameters(
                (uint)Math.Clamp(Math.Round(temperature * 65536.0), 0, uint.MaxValue),
                topK,
                (ulong)Math.Clamp(Math.Round(topP * 4294967296.0), 0, 4294967296.0 * 2),
                (uint)Math.Clamp(Math.Round(penalty * 65536.0), 0, uint.MaxValue));
        }
        catch (ProofInputException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void PrintSummary(TextWriter output, string path, int bytes, ProveResult result)
    {
        var s = result.Stats;
        output.WriteLine($"transcript: {path}, {bytes} bytes, {(double)bytes / s.GeneratedTokens:F1} bytes/token");
        output.WriteLine($"tokens: {s.PromptTokens} prompt, {s.GeneratedTokens} generated, prefill {s.PrefillTokensPerSecond:F1} tok/s, decode {s.DecodeTokensPerSecond:F1} tok/s");
        var w = result.Window;
        output.WriteLine($"window: commitment {Convert.ToHexStringLower(w.ProofCommitment)} nonce {w.Nonce} eligible {(w.Eligible ? "yes" : "no")}");
    }
}
