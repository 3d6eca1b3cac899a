using System.Text.Json;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Engine.ChatTemplates;

/// <summary>One chat turn: role ("system", "user", "assistant", "tool") and its text.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// A model's chat template (Jinja, from tokenizer_config.json's chat_template or GGUF's tokenizer.chat_template)
/// turned into the prompt text for a conversation. The interpreter is our own Jinja subset (JinjaLexer, JinjaParser,
/// JinjaInterpreter, JinjaBuiltins): enough for the Llama-2, Llama-3/3.1, Mistral, Qwen2.5 and Qwen3 templates, checked
/// against @huggingface/jinja renders (tests/TensorCash.Tests/fixtures/chat-templates). Own code rather than a library
/// because no Jinja engine is on the package mirror and templates come from model files: every resource a template can
/// use is bounded by the limits below, so a hostile template fails with <see cref="ChatTemplateException"/> instead of
/// hanging or exhausting memory. Parsing happens once; rendering is thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    /// <summary>Longest template accepted (real ones are a few KB).</summary>
    public const int MaxTemplateChars = 1 << 20;
    /// <summary>Longest rendered prompt (and longest string a template may build).</summary>
    public const int MaxOutputChars = 16 << 20;
    /// <summary>Statements executed, loop iterations and range() elements, together, per render.</summary>
    public const long MaxSteps = 2_000_000;
    /// <summary>Deepest nesting of blocks and expressions, for parsing and evaluation.</summary>
    public const int MaxNestingDepth = 200;

    private readonly List<JinjaNode> _body;

    public string Source { get; }
    public string? BosToken { get; }
    public string? EosToken { get; }

    private ChatTemplate(string source, List<JinjaNode> body, string? bosToken, string? eosToken)
    {
        Source = source;
        _body = body;
        BosToken = bosToken;
        EosToken = eosToken;
    }

    /// <summary>Parses a template; <paramref name="bosToken"/> / <paramref name="eosToken"/> are the strings the template sees as bos_token / eos_token.</summary>
    /// <exception cref="ChatTemplateException">Too long, or a syntax error or unsupported statement (with its offset).</exception>
    public static ChatTemplate Parse(string source, string? bosToken = null, string? eosToken = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length > MaxTemplateChars)
            throw new ChatTemplateException($"chat template is {source.Length} characters, over the limit of {MaxTemplateChars}");
        return new ChatTemplate(source, JinjaParser.Parse(source), bosToken, eosToken);
    }

    /// <summary>The prompt for <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> it ends with the opening of the assistant's turn.</summary>
    /// <exception cref="ChatTemplateException">The template refused the conversation (raise_exception, <see cref="ChatTemplateException.Raised"/>) or failed.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var list = messages.Select(m => (object?)new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["role"] = m.Role, ["content"] = m.Content }).ToList();
        return RenderValues(list, addGenerationPrompt, tools: null);
    }

    /// <summary>
    /// Renders with messages (and optionally tools) given as JSON arrays in the OpenAI chat format, so fields beyond
    /// role and content (tool_calls, reasoning_content, ...) reach the template.
    /// </summary>
    public string Render(JsonElement messages, bool addGenerationPrompt, JsonElement? tools = null)
    {
        if (messages.ValueKind != JsonValueKind.Array) throw new ChatTemplateException("messages must be a JSON array");
        return RenderValues(JinjaValues.FromJson(messages), addGenerationPrompt, tools is { } t ? JinjaValues.FromJson(t) : null);
    }

    private string RenderValues(object? messages, bool addGenerationPrompt, object? tools)
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["bos_token"] = BosToken ?? "",
            ["eos_token"] = EosToken ?? "",
        };
        if (tools is not null) variables["tools"] = tools;
        return new JinjaInterpreter().Render(_body, variables);
    }

    /// <summary>
    /// The chat template of a tokenizer_config.json (plain or gzip; the file, or a directory holding it), with its
    /// bos_token / eos_token strings; null when the file or its chat_template is absent. A list of named templates
    /// yields the one named "default".
    /// </summary>
    public static ChatTemplate? FromTokenizerConfig(string path)
    {
        if (TokenizerLoader.ReadConfig(path) is not { } config) return null;
        var templateJson = config.Optional("chat_template");
        string? source = templateJson switch
        {
            { Kind: JsonValueKind.String } s => s.AsString(),
            { Kind: JsonValueKind.Array } named => named.Items().FirstOrDefault(t => t.OptionalString("name") == "default") is var d && d.Kind == JsonValueKind.Object
                ? d.Required("template").AsString() : null,
            _ => null,
        };
        if (source is null) return null;
        return Parse(source, TokenString(config, "bos_token"), TokenString(config, "eos_token"));
    }

    /// <summary>The tokenizer.chat_template of a GGUF tokenizer, with its BOS/EOS token texts; null when absent.</summary>
    public static ChatTemplate? FromGguf(GgufTokenizer tokenizer)
    {
        if (tokenizer.ChatTemplate is not { } source) return null;
        var tokens = tokenizer.Vocabulary.Tokens;
        return Parse(source, tokenizer.BosTokenId is { } b ? tokens[b] : null, tokenizer.EosTokenId is { } e ? tokens[e] : null);
    }

    private static string? TokenString(TokenizerJson config, string field) => config.Optional(field) switch
    {
        { Kind: JsonValueKind.String } s => s.AsString(),
        { Kind: JsonValueKind.Object } o => o.OptionalString("content"),
        _ => null,
    };
}
