using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Serving;

/// <summary>
/// POST /v1/completions and /v1/chat/completions: parse, queue on the batcher, then either collect the whole answer
/// or stream it as server-sent events ("data: {chunk}" per piece of text, a last chunk with finish_reason, an
/// optional usage chunk, then "data: [DONE]"). The job is tied to the client's connection: when the client goes
/// away (HttpContext.RequestAborted) or a stop string ends the text, the job leaves the batch on the next step.
/// </summary>
public sealed class CompletionEndpoint(ServedModel model, ContinuousBatcher batcher, ProofBearingQueue proofQueue, ServingMetrics metrics)
{
    public async Task Handle(HttpContext http, bool chat)
    {
        var aborted = http.RequestAborted;
        CompletionRequest request;
        try
        {
            using var doc = await ReadJson(http, aborted);
            request = CompletionRequest.Parse(doc.RootElement, chat, model);
        }
        catch (ApiException e)
        {
            await WriteError(http, e);
            return;
        }

        using var stopper = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var generation = new GenerationRequest(request.PromptTokens, new StandardSampler(request.Sampling), request.MaxTokens,
            model.Tokenizer.EosTokenId is { } eos ? new HashSet<int> { eos } : null);
        ServingJob job;
        try
        {
            job = batcher.Submit(generation, ClientIdentity.Of(http), stopper.Token);
        }
        catch (ApiException e) // refused: a queue bound (429/503) or a request the model cannot hold
        {
            metrics.Requests.WithLabels(e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            await WriteError(http, e);
            return;
        }

        string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var stream = request.Stream ? new SseWriter(http, id, created, model.Id, chat) : null;
        var detokenizer = new IncrementalDetokenizer(model.Tokenizer);
        var filter = new StopSequenceFilter(request.Stop);
        var tokens = new List<int>();
        var text = new System.Text.StringBuilder();
        try
        {
            if (stream is not null) await stream.Begin(aborted);
            await foreach (int token in job.Tokens.ReadAllAsync(aborted))
            {
                tokens.Add(token);
                string piece = filter.Push(detokenizer.Push(token));
                text.Append(piece);
                if (stream is not null && piece.Length > 0) await stream.Text(piece, aborted);
                if (filter.Stopped) break;
            }
            if (!filter.Stopped)
            {
                string rest = filter.Flush(detokenizer.Flush());
                text.Append(rest);
                if (stream is not null && rest.Length > 0) await stream.Text(rest, aborted);
            }
        }
        catch (Exception) when (aborted.IsCancellationRequested) // the client went away (a cancelled read or a failed write)
        {
            metrics.Requests.WithLabels("499").Inc(); // the job leaves the batch on the next step
            return;
        }
        catch (Exception e) // the engine failed this request
        {
            var error = new ApiException(500, "server_error", $"generation failed: {e.Message}");
            if (stream is null) await WriteError(http, error);
            else await stream.Error(error, aborted);
            return;
        }
        finally
        {
            stopper.Cancel(); // a stop string ended the text: free the batch slot now
        }

        string finish = filter.Stopped || job.Finish == FinishReason.StopToken ? "stop" : "length";
        var usage = new { prompt_tokens = request.PromptTokens.Length, completion_tokens = tokens.Count, total_tokens = request.PromptTokens.Length + tokens.Count };
        var extension = Extension(id, request, tokens.ToArray());
        metrics.Requests.WithLabels("200").Inc();
        if (stream is not null)
        {
            await stream.Finish(finish, extension, request.IncludeUsage ? usage : null, aborted);
            return;
        }
        object choice = chat
            ? new { index = 0, message = new { role = "assistant", content = text.ToString() }, finish_reason = finish, logprobs = (object?)null }
            : new { index = 0, text = text.ToString(), finish_reason = finish, logprobs = (object?)null };
        await WriteJson(http, 200, new
        {
            id, @object = chat ? "chat.completion" : "text_completion", created, model = model.Id,
            choices = new[] { choice }, usage, tensorcash = extension,
        });
    }

    /// <summary>TensorCash's additions to a response: the token ids (what batch invariance is checked on) and the privacy outcome.</summary>
    private object Extension(string id, CompletionRequest request, int[] tokens)
    {
        if (!request.ProofBearing) return new { token_ids = tokens, proof_bearing = false, receipt = (object?)null };
        var candidate = proofQueue.Offer(id, model.Id, request.PromptTokens, tokens, request.Sampling);
        return new { token_ids = tokens, proof_bearing = true, receipt = new { transcript_sha256 = candidate.TranscriptSha256, status = "queued" } };
    }

    private static async Task<JsonDocument> ReadJson(HttpContext http, CancellationToken cancellation)
    {
        if (http.Request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw ApiException.Invalid($"the request body must be application/json (got {type})");
        try
        {
            return await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = ServingLimits.MaxJsonDepth }, cancellation);
        }
        catch (JsonException e)
        {
            throw ApiException.Invalid($"the request body is not valid JSON: {e.Message}");
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            throw new ApiException(e.StatusCode, "invalid_request_error", e.Message);
        }
    }

    public static Task WriteError(HttpContext http, ApiException e)
    {
        if (e.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteJson(http, e.Status, e.Body);
    }

    public static async Task WriteJson(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
    }
}
