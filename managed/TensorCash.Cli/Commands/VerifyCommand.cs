using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proving;
using TensorCash.Proving.Replay;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash verify`: checks a transcript against a model. Exit 0 when accepted, 1 when rejected (reason codes
/// printed), 2 for usage errors. Tier 1 needs only the model's id and vocabulary; tier 2 also replays the model.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "Transcript written by `tensorcash prove`." };
        var model = CommonOptions.Model();
        var tier = new Option<int>("--tier") { Description = "1: deterministic checks (format, draws, commitments, ceiling, binding). 2: tier 1 plus a replay of the model.", DefaultValueFactory = _ => 1 };
        tier.AcceptOnlyFromAmong("1", "2");
        var proof = new ProofOptions(bindingRequired: false);
        proof.Binding.Description = "Expected chain binding B as hex; with it B, v, T and the precision are checked. Without it the binding is not checked.";
        var json = new Option<bool>("--json") { Description = "Print the verdict as one JSON object instead of text." };
        var threads = CommonOptions.Threads();
        var mode = new Option<string>("--mode")
        {
            Description = "Tier-2 comparison: exact (same CPU backend and precision: every committed value bitwise) or tolerant (another backend: the envelope in docs/protocol/tier2-replay.md).",
            DefaultValueFactory = _ => "exact",
        };
        mode.AcceptOnlyFromAmong("exact", "tolerant");
        var positions = CommonOptions.AtLeast(new Option<int>("--positions")
        {
            Description = "Tier-2 steps to check, chosen by Fiat-Shamir from the final proof digest; 0 = every step.",
            DefaultValueFactory = _ => 0,
        }, 0);

        var command = new Command("verify", "Verify a proof-of-inference transcript. Exit 0 if accepted; otherwise 1 and the reason codes.")
        {
            file, model, tier, json, threads, mode, positions,
        };
        foreach (var option in proof.All) command.Add(option);

        command.SetAction(console.Guard((parsed, _) =>
        {
            string path = parsed.GetRequiredValue(file);
            if (!File.Exists(path)) throw new UsageException($"transcript not found: '{path}'");
            var bytes = File.ReadAllBytes(path);
            var binding = proof.GetBinding(parsed);
            string spec = parsed.GetRequiredValue(model);
            ModelResolver.EnsureExists(spec);

            using var weights = ModelResolver.LoadWeights(spec);
            var identity = ModelIdentity.Compute(weights);
            var options = new Tier1Options([identity.ToKnownModel()])
            {
                Expected = binding is null ? null : new ExpectedBinding(binding, proof.GetPrecision(parsed)),
            };
            var result = Tier1Verifier.Verify(bytes, options);
            var rejections = result.Rejections;
            if (result.Accepted && parsed.GetValue(tier) == 2)
                rejections = RunTier2(console, TranscriptCodec.Decode(bytes), weights, result, parsed.GetValue(threads),
                    parsed.GetValue(mode) == "tolerant" ? ComparisonMode.Tolerant : ComparisonMode.Exact, parsed.GetValue(positions));

            bool accepted = rejections.Count == 0;
            if (parsed.GetValue(json)) WriteJson(console.Out, accepted, parsed.GetValue(tier), identity, result, rejections);
            else WriteText(console.Out, accepted, result, rejections);
            return accepted ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    /// <summary>
    /// Tier-2 replay. Sampled positions come from this run's own randomness, never from the proof: a miner can regrind
    /// its commitment, so a seed it could compute would let it choose the unchecked steps. The replay's own time is reported apart from loading and
    /// hashing the model, which a node does once, not per block.
    /// </summary>
    private static IReadOnlyList<Rejection> RunTier2(CliConsole console, ProofTranscript transcript, ModelWeights weights, Tier1Result tier1,
        int threads, ComparisonMode mode, int positions)
    {
        using var transformer = Transformer.Create(weights, threads);
        var options = new Tier2Options
        {
            Mode = mode,
            SampledPositions = positions,
            // This verifier's own randomness: a seed the miner could compute would let it choose the unchecked steps.
            PositionSeed = positions > 0 ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) : null,
        };
        long start = Stopwatch.GetTimestamp();
        var report = Tier2Verifier.Check(transcript, transformer, options);
        console.Progress($"tier 2: replayed {report.CheckedSteps.Count} of {transcript.Steps.Count} steps in {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F1} ms");
        return report.Rejections;
    }

    private static void WriteText(TextWriter output, bool accepted, Tier1Result result, IReadOnlyList<Rejection> rejections)
    {
        if (!accepted)
        {
            output.WriteLine($"rejected: {rejections.Count} reason(s)");
            foreach (var r in rejections) output.WriteLine($"  {r}");
            return;
        }
        var w = result.Window!;
        output.WriteLine("accepted");
        output.WriteLine($"window: commitment {Hex(w.ProofCommitment)} nonce {w.Nonce} eligible {(w.Eligible ? "yes" : "no")} path {Hex(w.PathDigest)}");
    }

    private static void WriteJson(TextWriter output, bool accepted, int tier, ModelIdentity identity, Tier1Result result, IReadOnlyList<Rejection> rejections) =>
        output.WriteLine(JsonSerializer.Serialize(new
        {
            accepted,
            tier,
            model_id = identity.Hex,
            rejections = rejections.Select(r => new { code = r.Reason.Code(), reason = (int)r.Reason, step = r.Step, window = r.Window, message = r.Message }),
            window = result.Window is { } w ? new { root = Hex(w.WindowRoot), commitment = Hex(w.ProofCommitment), nonce = w.Nonce, eligible = w.Eligible, path = Hex(w.PathDigest) } : null,
        }));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
