#pragma warning disable OPENAI001 // ChatCompletionOptions.Seed is marked experimental by the client library
using NUnit.Framework;
using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace TensorCash.Tests.Serving;

/// <summary>The official OpenAI .NET client against a running server: chat, streaming, errors, and concurrency.</summary>
[Category("Runtime")]
public sealed class OpenAiClientTests
{
    private TinyServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await TinyServer.Start(Keys);

    /// <summary>One API key per concurrent client, as separate users would have: one client alone may queue only its share.</summary>
    private static readonly string[] Keys = Enumerable.Range(0, 16).Select(i => $"client-{i}").ToArray();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private ChatClient Client(string model = "builtin:tiny", int client = 0) =>
        new(model, new ApiKeyCredential(Keys[client]), new OpenAIClientOptions { Endpoint = _server.ApiBase, RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

    private static ChatCompletionOptions Options(int seed, int maxTokens) => new() { Temperature = 0.9f, TopP = 0.95f, Seed = seed, MaxOutputTokenCount = maxTokens };

    [Test]
    public async Task Chat_returns_text_usage_and_length_finish()
    {
        var result = await Client().CompleteChatAsync([new UserChatMessage("Hello")], Options(seed: 1, maxTokens: 12));
        var completion = result.Value;
        Assert.That(completion.Model, Is.EqualTo("builtin:tiny"));
        Assert.That(completion.Role, Is.EqualTo(ChatMessageRole.Assistant));
        Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(12), "random weights rarely sample EOS within 12 tokens at this seed");
        Assert.That(completion.Usage.InputTokenCount, Is.EqualTo(1 + "user: Hello\nassistant: ".Length), "BOS + one byte per character of the plain chat format");
        Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Length));
        Assert.That(completion.Content[0].Text, Is.Not.Empty);
    }

    [Test]
    public async Task Streaming_chat_equals_the_non_streaming_answer()
    {
        var client = Client();
        var whole = (await client.CompleteChatAsync([new UserChatMessage("stream me")], Options(seed: 5, maxTokens: 20))).Value;
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream me")], Options(seed: 5, maxTokens: 20)))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
        }
        Assert.That(text.ToString(), Is.EqualTo(whole.Content[0].Text));
        Assert.That(finish, Is.EqualTo(whole.FinishReason));
    }

    [Test]
    public void Unknown_model_is_a_404_with_openai_error_shape()
    {
        var e = Assert.ThrowsAsync<ClientResultException>(() => Client("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.That(e!.Status, Is.EqualTo(404));
        Assert.That(e.Message, Does.Contain("gpt-4o"));
    }

    [Test]
    public void Temperature_out_of_range_is_a_400()
    {
        var e = Assert.ThrowsAsync<ClientResultException>(() => Client().CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 3 }));
        Assert.That(e!.Status, Is.EqualTo(400));
        Assert.That(e.Message, Does.Contain("temperature"));
    }

    /// <summary>
    /// 16 clients at once, each with its own prompt and seed, against the same 16 requests served one at a time:
    /// text and token ids equal exactly (batch invariance of the backend plus per-request samplers).
    /// </summary>
    [Test]
    public async Task Sixteen_concurrent_clients_get_exactly_their_solo_answers()
    {
        const int clients = 16;
        object Body(int i) => new
        {
            model = "builtin:tiny", messages = new[] { new { role = "user", content = $"request {i}: " + new string((char)('a' + i), i * 3) } },
            temperature = 0.8, top_p = 0.9, seed = 1000 + i, max_tokens = 8 + i,
        };
        var solo = new List<JsonElement>();
        for (int i = 0; i < clients; i++)
        {
            var (status, body) = await _server.Post("v1/chat/completions", Body(i));
            Assert.That(status, Is.EqualTo(200), body.ToString());
            solo.Add(body);
        }

        var start = new TaskCompletionSource();
        var raw = Enumerable.Range(0, clients).Select(async i => { await start.Task; return await _server.Post("v1/chat/completions", Body(i), Keys[i]); }).ToArray();
        var viaClient = Enumerable.Range(0, clients).Select(async i =>
        {
            await start.Task;
            var messages = new[] { new UserChatMessage($"request {i}: " + new string((char)('a' + i), i * 3)) };
            return (await Client(client: i).CompleteChatAsync(messages, new ChatCompletionOptions { Temperature = 0.8f, TopP = 0.9f, Seed = 1000 + i, MaxOutputTokenCount = 8 + i })).Value;
        }).ToArray();
        start.SetResult();
        await Task.WhenAll(Task.WhenAll(raw), Task.WhenAll(viaClient));

        for (int i = 0; i < clients; i++)
        {
            var (status, body) = raw[i].Result;
            Assert.That(status, Is.EqualTo(200), body.ToString());
            Assert.That(TinyServer.TokenIds(body), Is.EqualTo(TinyServer.TokenIds(solo[i])), $"client {i}: token ids");
            string soloText = solo[i].GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            Assert.That(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), Is.EqualTo(soloText), $"client {i}: raw text");
            Assert.That(viaClient[i].Result.Content[0].Text, Is.EqualTo(soloText), $"client {i}: OpenAI client text");
        }
        Assert.That(_server.Host.Metrics.BatchSize.Sum, Is.GreaterThan(_server.Host.Metrics.BatchSize.Count),
            "some forward passes carried more than one sequence, or the test did not exercise batching");
    }
}
