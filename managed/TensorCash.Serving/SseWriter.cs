using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TensorCash.Serving;

/// <summary>
/// OpenAI's streaming format: server-sent events, each "data: JSON\n\n", flushed at once; chat chunks carry
/// "delta", completion chunks "text"; the stream ends with "data: [DONE]".
/// </summary>
public sealed class SseWriter(HttpContext http, string id, long created, string model, bool chat)
{
    public async Task Begin(CancellationToken cancellation)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        if (chat) await Chunk(Choice(new Dictionary<string, string> { ["role"] = "assistant", ["content"] = "" }, null), null, null, cancellation);
        else await http.Response.Body.FlushAsync(cancellation);
    }

    public Task Text(string text, CancellationToken cancellation) =>
        Chunk(Choice(chat ? new Dictionary<string, string> { ["content"] = text } : text, null), null, null, cancellation);

    public async Task Finish(string finishReason, object extension, object? usage, CancellationToken cancellation)
    {
        await Chunk(Choice(chat ? new Dictionary<string, string>() : "", finishReason), null, extension, cancellation);
        if (usage is not null) await Chunk(null, usage, null, cancellation);
        await Write("data: [DONE]\n\n", cancellation);
    }

    /// <summary>An error after the stream started: the status is already 200, so it goes in the stream (as OpenAI does).</summary>
    public async Task Error(ApiException e, CancellationToken cancellation)
    {
        await Write($"data: {JsonSerializer.Serialize(e.Body)}\n\n", cancellation);
        await Write("data: [DONE]\n\n", cancellation);
    }

    private object Choice(object content, string? finishReason) => chat
        ? new { index = 0, delta = content, finish_reason = finishReason, logprobs = (object?)null }
        : new { index = 0, text = content, finish_reason = finishReason, logprobs = (object?)null };

    private Task Chunk(object? choice, object? usage, object? extension, CancellationToken cancellation)
    {
        var chunk = new Dictionary<string, object?>
        {
            ["id"] = id, ["object"] = chat ? "chat.completion.chunk" : "text_completion", ["created"] = created, ["model"] = model,
            ["choices"] = choice is null ? Array.Empty<object>() : new[] { choice },
        };
        if (usage is not null) chunk["usage"] = usage;
        if (extension is not null) chunk["tensorcash"] = extension;
        return Write($"data: {JsonSerializer.Serialize(chunk)}\n\n", cancellation);
    }

    private async Task Write(string text, CancellationToken cancellation)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellation);
        await http.Response.Body.FlushAsync(cancellation);
    }
}
