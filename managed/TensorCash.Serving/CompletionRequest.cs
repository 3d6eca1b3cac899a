using System.Text.Json;
using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Generation;

namespace TensorCash.Serving;

/// <summary>
/// A validated /v1/completions or /v1/chat/completions request: prompt tokens, sampling, limits, stop strings, and
/// the privacy choice. Parsing names the offending field in OpenAI's "param" for every rejection.
///
/// Sampling follows OpenAI's meaning: temperature (default 1, 0 = greedy) and top_p (default 1) only; no top-k and
/// no repetition penalty, which the OpenAI API does not have. Without a seed the server picks a random one.
/// Privacy (Appendix D): "tensorcash": {"proof_bearing": true} lets the miner use the request in a proof
/// transcript; absent, the request is private.
/// </summary>
public sealed record CompletionRequest(
    bool Chat, int[] PromptTokens, int MaxTokens, SamplingOptions Sampling, IReadOnlyList<string> Stop,
    bool Stream, bool IncludeUsage, bool ProofBearing)
{
    public static CompletionRequest Parse(JsonElement root, bool chat, ServedModel model)
    {
        if (root.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("the request body must be a JSON object");
        var modelName = OptionalString(root, "model") ?? throw ApiException.Invalid("you must provide a model parameter", "model");
        if (modelName != model.Id) throw ApiException.ModelNotFound(modelName);

        int[] prompt = chat ? ChatPrompt.Encode(model, Messages(root)) : EncodePrompt(root, model);
        if (prompt.Length == 0) throw ApiException.Invalid("the prompt encodes to no tokens", chat ? "messages" : "prompt");

        int room = model.ContextLength - prompt.Length + 1; // the last generated token needs no cache position
        if (room < 1) throw ApiException.Invalid($"the prompt has {prompt.Length} tokens; the model's context is {model.ContextLength}", chat ? "messages" : "prompt", "context_length_exceeded");
        string maxName = chat && root.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens";
        int? max = OptionalInt(root, maxName);
        if (max is < 1) throw ApiException.Invalid($"{maxName} must be >= 1 (got {max})", maxName);
        int maxTokens = max ?? Math.Min(room, chat ? ServingLimits.DefaultChatMaxTokens : ServingLimits.DefaultCompletionMaxTokens);
        if (maxTokens > room)
            throw ApiException.Invalid($"{prompt.Length} prompt tokens + {maxName} {maxTokens} exceed the model's context of {model.ContextLength} tokens", maxName, "context_length_exceeded");

        double temperature = OptionalNumber(root, "temperature") ?? 1;
        if (!(temperature >= 0 && temperature <= 2)) throw ApiException.Invalid($"temperature must be between 0 and 2 (got {temperature})", "temperature");
        double topP = OptionalNumber(root, "top_p") ?? 1;
        if (!(topP > 0 && topP <= 1)) throw ApiException.Invalid($"top_p must be in (0, 1] (got {topP})", "top_p");
        ulong seed = root.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null
            ? s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long v) ? unchecked((ulong)v) : throw ApiException.Invalid("seed must be an integer", "seed")
            : (ulong)Random.Shared.NextInt64();
        var sampling = new SamplingOptions { Temperature = (float)temperature, TopK = 0, TopP = (float)topP, RepetitionPenalty = 1, Seed = seed };

        int? n = OptionalInt(root, "n");
        if (n is not null and not 1) throw ApiException.Invalid("this server returns one choice per request; n must be 1", "n");
        if (OptionalBool(root, "logprobs") == true || (!chat && root.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Number))
            throw ApiException.Invalid("logprobs are not supported by this server", "logprobs");

        bool stream = OptionalBool(root, "stream") ?? false;
        bool includeUsage = false;
        if (root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object)
            includeUsage = OptionalBool(so, "include_usage", "stream_options.include_usage") ?? false;

        bool proofBearing = false;
        if (root.TryGetProperty("tensorcash", out var tc) && tc.ValueKind != JsonValueKind.Null)
        {
            if (tc.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("tensorcash must be an object such as {\"proof_bearing\": true}", "tensorcash");
            proofBearing = OptionalBool(tc, "proof_bearing", "tensorcash.proof_bearing") ?? false;
        }
        return new CompletionRequest(chat, prompt, maxTokens, sampling, StopStrings(root), stream, includeUsage, proofBearing);
    }

    private static int[] EncodePrompt(JsonElement root, ServedModel model)
    {
        if (!root.TryGetProperty("prompt", out var p)) throw ApiException.Invalid("you must provide a prompt", "prompt");
        if (p.ValueKind == JsonValueKind.String) return model.Tokenizer.Encode(p.GetString()!, addSpecialTokens: true);
        if (p.ValueKind == JsonValueKind.Array)
        {
            var items = p.EnumerateArray().ToArray();
            if (items.Length == 1 && items[0].ValueKind == JsonValueKind.String) return model.Tokenizer.Encode(items[0].GetString()!, addSpecialTokens: true);
            if (items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.Number))
                return items.Select(i => i.TryGetInt32(out int id) && (uint)id < (uint)model.Transformer.Config.VocabSize
                    ? id : throw ApiException.Invalid($"prompt token {i} is not in the model's vocabulary [0, {model.Transformer.Config.VocabSize})", "prompt")).ToArray();
        }
        throw ApiException.Invalid("prompt must be a string, an array of one string, or an array of token ids (batched prompts are not supported)", "prompt");
    }

    private static List<ChatMessage> Messages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var m) || m.ValueKind != JsonValueKind.Array || m.GetArrayLength() == 0)
            throw ApiException.Invalid("messages must be a non-empty array", "messages");
        if (m.GetArrayLength() > ServingLimits.MaxMessages) throw ApiException.Invalid($"at most {ServingLimits.MaxMessages} messages", "messages");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var message in m.EnumerateArray())
        {
            string where = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object) throw ApiException.Invalid($"{where} must be an object", where);
            string role = OptionalString(message, "role", $"{where}.role") ?? throw ApiException.Invalid($"{where} has no role", $"{where}.role");
            if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
                throw ApiException.Invalid($"{where}.role '{role}' is not one of system, developer, user, assistant, tool", $"{where}.role");
            messages.Add(new ChatMessage(role, Content(message, where)));
        }
        return messages;
    }

    /// <summary>A message's content: a string, or an array of parts of which only text parts are supported.</summary>
    private static string Content(JsonElement message, string where)
    {
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null) return "";
        if (c.ValueKind == JsonValueKind.String) return c.GetString()!;
        if (c.ValueKind == JsonValueKind.Array)
            return string.Concat(c.EnumerateArray().Select(part =>
                part.ValueKind == JsonValueKind.Object && OptionalString(part, "type") == "text" && OptionalString(part, "text") is { } text
                    ? text : throw ApiException.Invalid($"{where}.content: only text parts are supported", $"{where}.content")));
        throw ApiException.Invalid($"{where}.content must be a string or an array of text parts", $"{where}.content");
    }

    private static IReadOnlyList<string> StopStrings(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var s) || s.ValueKind == JsonValueKind.Null) return [];
        var stops = s.ValueKind switch
        {
            JsonValueKind.String => [s.GetString()!],
            JsonValueKind.Array => s.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw ApiException.Invalid("stop must hold strings", "stop")).ToList(),
            _ => throw ApiException.Invalid("stop must be a string or an array of strings", "stop"),
        };
        if (stops.Count > ServingLimits.MaxStopSequences) throw ApiException.Invalid($"at most {ServingLimits.MaxStopSequences} stop sequences", "stop");
        if (stops.Any(x => x.Length == 0 || x.Length > ServingLimits.MaxStopSequenceChars))
            throw ApiException.Invalid($"each stop sequence must have 1 to {ServingLimits.MaxStopSequenceChars} characters", "stop");
        return stops;
    }

    private static string? OptionalString(JsonElement obj, string name, string? param = null)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw ApiException.Invalid($"{param ?? name} must be a string", param ?? name);
    }

    private static double? OptionalNumber(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw ApiException.Invalid($"{name} must be a number", name);
    }

    private static int? OptionalInt(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw ApiException.Invalid($"{name} must be an integer", name);
    }

    private static bool? OptionalBool(JsonElement obj, string name, string? param = null)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw ApiException.Invalid($"{param ?? name} must be true or false", param ?? name);
    }
}
