using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using OpenAI;

namespace TensorCash.Tests.Serving;

/// <summary>
/// POST /v1/completions through the official OpenAI .NET client (2.15.0). That version has no public typed client
/// for the legacy completions API (its LegacyCompletionClient is internal), so these tests use the client's
/// protocol-level API: a request built on <see cref="OpenAIClient.Pipeline"/>, the client's own HTTP pipeline, so
/// the client's API-key authentication policy, retry policy and error classification
/// (<see cref="ClientResultException"/>) are the ones exercised, not a hand-written HttpClient.
/// </summary>
[Category("Runtime")]
public sealed class OpenAiCompletionsTests
{
    private const string Key = "sk-test";
    private TinyServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await TinyServer.Start(Key);

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private OpenAIClient Client(string key = Key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = _server.ApiBase, RetryPolicy = new ClientRetryPolicy(0) });

    /// <summary>Sends POST /v1/completions through the client's pipeline; non-2xx becomes the client's ClientResultException.</summary>
    private async Task<PipelineResponse> Complete(OpenAIClient client, object body, bool stream = false)
    {
        var message = client.Pipeline.CreateMessage();
        message.ResponseClassifier = PipelineMessageClassifier.Create([200]);
        message.BufferResponse = !stream;
        var request = message.Request;
        request.Method = "POST";
        request.Uri = new Uri(_server.ApiBase.AbsoluteUri.TrimEnd('/') + "/completions");
        request.Headers.Set("Content-Type", "application/json");
        request.Headers.Set("Accept", stream ? "text/event-stream" : "application/json");
        request.Content = BinaryContent.Create(BinaryData.FromObjectAsJson(body));
        await client.Pipeline.SendAsync(message);
        var response = message.Response!;
        if (response.IsError) throw await ClientResultException.CreateAsync(response);
        return stream ? message.ExtractResponse()! : response;
    }

    private static object Body(string prompt, int maxTokens, int seed, bool stream = false) =>
        new { model = "builtin:tiny", prompt, max_tokens = maxTokens, temperature = 0.8, top_p = 0.95, seed, stream };

    [Test]
    public async Task A_completion_through_the_client_equals_the_raw_http_answer()
    {
        var (status, raw) = await _server.Post("v1/completions", Body("Once upon", 20, 11));
        Assert.That(status, Is.EqualTo(200), raw.ToString());
        using var response = await Complete(Client(), Body("Once upon", 20, 11));
        var body = JsonDocument.Parse(response.Content.ToString()).RootElement;
        Assert.That(body.GetProperty("object").GetString(), Is.EqualTo("text_completion"));
        Assert.That(body.GetProperty("choices")[0].GetProperty("text").GetString(), Is.EqualTo(raw.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.That(TinyServer.TokenIds(body), Is.EqualTo(TinyServer.TokenIds(raw)));
        Assert.That(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(TinyServer.TokenIds(raw).Length));
    }

    [Test]
    public async Task A_streamed_completion_through_the_client_concatenates_to_the_whole_answer()
    {
        using var whole = await Complete(Client(), Body("stream it", 24, 3));
        string expected = JsonDocument.Parse(whole.Content.ToString()).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
        using var streamed = await Complete(Client(), Body("stream it", 24, 3, stream: true), stream: true);
        Assert.That(streamed.Headers.TryGetValue("Content-Type", out var type) ? type : null, Does.StartWith("text/event-stream"));
        var text = new StringBuilder();
        string? finish = null;
        bool done = false;
        await foreach (var item in SseParser.Create(streamed.ContentStream!).EnumerateAsync())
        {
            if (item.Data == "[DONE]") { done = true; break; }
            var chunk = JsonDocument.Parse(item.Data).RootElement;
            var choice = chunk.GetProperty("choices")[0];
            text.Append(choice.GetProperty("text").GetString());
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
        }
        Assert.That(done, Is.True, "the stream ends with [DONE]");
        Assert.That(text.ToString(), Is.EqualTo(expected));
        Assert.That(finish, Is.EqualTo("length"));
    }

    [Test]
    public void A_wrong_api_key_is_the_clients_401()
    {
        var e = Assert.ThrowsAsync<ClientResultException>(() => Complete(Client("sk-wrong"), Body("x", 1, 1)));
        Assert.That(e!.Status, Is.EqualTo(401));
        Assert.That(ErrorOf(e), Does.Contain("API key"));
    }

    [Test]
    public void An_unknown_model_and_a_bad_field_are_the_clients_404_and_400()
    {
        var missing = Assert.ThrowsAsync<ClientResultException>(() => Complete(Client(), new { model = "davinci-002", prompt = "x" }));
        Assert.That(missing!.Status, Is.EqualTo(404));
        Assert.That(ErrorOf(missing), Does.Contain("davinci-002"));
        var bad = Assert.ThrowsAsync<ClientResultException>(() => Complete(Client(), new { model = "builtin:tiny", prompt = "x", max_tokens = -3 }));
        Assert.That(bad!.Status, Is.EqualTo(400));
        Assert.That(ErrorOf(bad), Does.Contain("max_tokens"));
    }

    /// <summary>The OpenAI-shaped error.message of the response the client's exception carries.</summary>
    private static string ErrorOf(ClientResultException e) =>
        JsonDocument.Parse(e.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").GetProperty("message").GetString()!;
}
