using System.CommandLine;
using System.Text.Json;
using TensorCash.Engine.ChatTemplates;
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
        var tokens = CommonOptions.Tokens("Prompt as comma-separated token ids, used as given; works without a tokenizer (the output is then ids).");
        var chat = new Option<string>("--chat")
        {
            Description = "A user message, turned into the prompt by the model's chat template (tokenizer_config.json chat_template or GGUF tokenizer.chat_template), which then opens the assistant's turn.",
            HelpName = "TEXT",
        };
        var system = new Option<string>("--system") { Description = "A system message placed before --chat's user message.", HelpName = "TEXT" };
        var messages = new Option<string>("--messages")
        {
            Description = "A whole conversation for the chat template: a JSON file holding an array of {\"role\": ..., \"content\": ...} objects (OpenAI chat format).",
            HelpName = "FILE",
        };
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
            model, prompt, tokens, chat, system, messages, maxTokens, temperature, topK, topP, penalty, seed, threads, prefillChunk, emit, stats,
        };
        command.Validators.Add(result =>
        {
            int inputs = new Option[] { prompt, tokens, chat, messages }.Count(o => result.GetResult(o) is not null);
            if (inputs != 1) result.AddError("give exactly one of --prompt TEXT, --tokens ID,ID,..., --chat TEXT or --messages FILE");
            if (result.GetResult(system) is not null && result.GetResult(chat) is null) result.AddError("--system goes with --chat");
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

            string spec = parsed.GetRequiredValue(model);
            bool idsGiven = parsed.GetResult(tokens) is not null;
            using var session = ModelSession.Open(spec, threadCount, idsGiven ? TokenizerUse.Optional : TokenizerUse.Required, console);
            var tokenizer = session.Tokenizer;
            int[] promptIds;
            if (idsGiven) promptIds = parsed.GetRequiredValue(tokens);
            else if (parsed.GetResult(prompt) is not null) promptIds = tokenizer!.Encode(parsed.GetRequiredValue(prompt), addSpecialTokens: true);
            else
            {
                var template = ModelResolver.LoadChatTemplate(spec, tokenizer!);
                string text = parsed.GetResult(chat) is not null
                    ? template.Render(ChatMessages(parsed.GetValue(system), parsed.GetRequiredValue(chat)), addGenerationPrompt: true)
                    : RenderMessagesFile(template, parsed.GetRequiredValue(messages));
                console.Progress($"chat prompt: {text.Length} characters from the model's chat template");
                // As transformers' apply_chat_template: the template writes BOS and the other special tokens itself.
                promptIds = tokenizer!.Encode(text, addSpecialTokens: false);
            }
            bool emitIds = parsed.GetValue(emit) == "ids";
            if (tokenizer is null && !emitIds)
            {
                console.Progress("the model has no tokenizer: printing token ids");
                emitIds = true;
            }
            session.CheckTokens(promptIds, limit - 1);
            if (!seeded && sampling.Temperature > 0) console.Progress($"sampling seed {seedValue} (pass --seed to reproduce)");

            var stopTokens = tokenizer?.EosTokenId is { } eos ? new HashSet<int> { eos } : null;
            var request = new GenerationRequest(promptIds, new StandardSampler(sampling), limit, stopTokens);
            var generator = new Generator(session.Transformer, parsed.GetValue(prefillChunk));
            var sink = new OutputSink(console.Out, emitIds ? null : new IncrementalDetokenizer(tokenizer!));

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

    private static List<ChatMessage> ChatMessages(string? system, string user) =>
        system is null ? [new("user", user)] : [new("system", system), new("user", user)];

    private static string RenderMessagesFile(ChatTemplate template, string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--messages {path}: no such file");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"--messages {path}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.EnumerateArray().Any(m =>
                    m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String))
                throw new UsageException($"--messages {path}: expected a JSON array of objects with a string \"role\"");
            return template.Render(doc.RootElement, addGenerationPrompt: true);
        }
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
