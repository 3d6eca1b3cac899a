using System.CommandLine;
using System.Text.Json;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli.Commands;

/// <summary>`tensorcash generate`: continue a prompt, streaming the output as it is sampled.</summary>
public static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CommonOptions.Model();
        var prompt = new Option<string>("--prompt", "-p") { Description = "Prompt text, encoded with the model's tokenizer (BOS added). Use this or --tokens." };
        var tokens = CommonOptions.Tokens("Prompt as comma-separated token ids, used as given. Use this or --prompt.");
        var maxTokens = CommonOptions.AtLeast(new Option<int>("--max-tokens", "-n")
        {
            Description = "Stop after this many generated tokens (generation also stops at the end-of-sequence token).",
            DefaultValueFactory = _ => 64,
        }, 1);
        var temperature = new Option<float>("--temperature") { Description = "Softmax temperature; 0 = greedy (argmax, ties to the lowest id).", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "Sample only among the K most likely tokens; 0 = no limit.", DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling: keep the most likely tokens up to this probability mass, in (0, 1]; 1 = off.", DefaultValueFactory = _ => 0.95f };
        var penalty = new Option<float>("--repetition-penalty") { Description = "Penalise tokens already in the context (positive logits / R, negative * R); 1 = off.", DefaultValueFactory = _ => 1.1f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampling RNG (xoshiro256**); the same seed, model and flags reproduce the output. Default: random, printed on stderr." };
        var threads = CommonOptions.Threads();
        var prefillChunk = CommonOptions.AtLeast(new Option<int>("--prefill-chunk")
        {
            Description = "Feed the prompt in chunks of this many tokens (bounds memory on long prompts); 0 = all at once. Output is identical either way.",
            DefaultValueFactory = _ => 0,
        }, 0);
        var emit = new Option<string>("--emit") { Description = "What to stream: 'text' (detokenized) or 'ids' (comma-separated token ids).", DefaultValueFactory = _ => "text" };
        emit.AcceptOnlyFromAmong("text", "ids");
        var stats = new Option<string?>("--stats") { Description = "After the output, print one line of statistics; the only format is 'json'." };
        stats.AcceptOnlyFromAmong("json");

        var command = new Command("generate", "Generate a continuation of a prompt and stream it to stdout as it is produced. Progress goes to stderr.")
        {
            model, prompt, tokens, maxTokens, temperature, topK, topP, penalty, seed, threads, prefillChunk, emit, stats,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(prompt) is null) == (result.GetResult(tokens) is null))
                result.AddError("give exactly one of --prompt TEXT or --tokens ID,ID,...");
        });
        // Each sampling value is checked by the engine's own rule, alone against otherwise valid settings.
        Check(temperature, v => new SamplingOptions { Temperature = v });
        Check(topK, v => new SamplingOptions { TopK = v });
        Check(topP, v => new SamplingOptions { TopP = v });
        Check(penalty, v => new SamplingOptions { RepetitionPenalty = v });

        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            bool seeded = parsed.GetResult(seed) is not null;
            ulong seedValue = seeded ? parsed.GetValue(seed) : (ulong)Random.Shared.NextInt64();
            var sampling = new SamplingOptions
            {
                Temperature = parsed.GetValue(temperature), TopK = parsed.GetValue(topK), TopP = parsed.GetValue(topP),
                RepetitionPenalty = parsed.GetValue(penalty), Seed = seedValue,
            };
            int threadCount = parsed.GetValue(threads);
            int limit = parsed.GetValue(maxTokens);

            using var session = ModelSession.Open(parsed.GetRequiredValue(model), threadCount, withTokenizer: true, console);
            var tokenizer = session.Tokenizer!;
            int[] promptIds = parsed.GetResult(tokens) is null
                ? tokenizer.Encode(parsed.GetRequiredValue(prompt), addSpecialTokens: true)
                : parsed.GetRequiredValue(tokens);
            session.CheckTokens(promptIds, limit - 1);
            if (!seeded && sampling.Temperature > 0) console.Progress($"sampling seed {seedValue} (pass --seed to reproduce)");

            var stopTokens = tokenizer.EosTokenId is { } eos ? new HashSet<int> { eos } : null;
            var request = new GenerationRequest(promptIds, new StandardSampler(sampling), limit, stopTokens);
            var generator = new Generator(session.Transformer, parsed.GetValue(prefillChunk));
            var sink = new OutputSink(console.Out, parsed.GetValue(emit) == "ids" ? null : new IncrementalDetokenizer(tokenizer));

            var result = generator.Generate(request, sink.Write, cancellation);
            sink.Finish();
            if (result.FinishReason == FinishReason.Cancelled) console.Progress("generation cancelled");

            if (parsed.GetValue(stats) == "json")
            {
                var s = result.Stats;
                console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    prompt_tokens = s.PromptTokens, gen_tokens = s.GeneratedTokens,
                    prefill_tok_s = Math.Round(s.PrefillTokensPerSecond, 3), decode_tok_s = Math.Round(s.DecodeTokensPerSecond, 3),
                    threads = threadCount,
                }));
            }
            return result.FinishReason == FinishReason.Cancelled ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return command;
    }

    private static void Check<T>(Option<T> option, Func<T, SamplingOptions> withValue) =>
        option.Validators.Add(result =>
        {
            if (CommonOptions.TryGetValue(result, out T value) && withValue(value).Problem() is { } problem) result.AddError(problem);
        });

    /// <summary>Streams tokens as text (through the detokenizer) or as ids, flushing each piece so it shows at once.</summary>
    private sealed class OutputSink(TextWriter output, IncrementalDetokenizer? detokenizer)
    {
        private bool _first = true;

        public void Write(int token)
        {
            if (detokenizer is null)
            {
                output.Write(_first ? token.ToString() : "," + token);
                _first = false;
            }
            else output.Write(detokenizer.Push(token));
            output.Flush();
        }

        public void Finish()
        {
            if (detokenizer is not null) output.Write(detokenizer.Flush());
            output.WriteLine();
        }
    }
}
