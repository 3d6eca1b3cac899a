using NUnit.Framework;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Tokenization;
using TensorCash.Serving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Serving;

/// <summary>A running `tensorcash serve` for builtin:tiny on 127.0.0.1 and a free port, plus raw HTTP helpers (also for a node's server).</summary>
public sealed class TinyServer : IAsyncDisposable
{
    private readonly BuiltinTiny? _tiny;

    private TinyServer(BuiltinTiny? tiny, ServingHost host, string? apiKey)
    {
        _tiny = tiny;
        Host = host;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Port}/"), Timeout = TimeSpan.FromMinutes(5) };
        if (apiKey is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public ServingHost Host { get; }
    public HttpClient Http { get; }
    public Uri ApiBase => new($"http://127.0.0.1:{Host.Port}/v1");

    /// <summary>A server on 127.0.0.1:0; with <paramref name="apiKeys"/>, <see cref="Http"/> sends the first one.</summary>
    public static async Task<TinyServer> Start(params string[] apiKeys)
    {
        var tiny = new BuiltinTiny();
        var model = new ServedModel(BuiltinTiny.Spec, tiny.Transformer, new ByteTokenizer(), ChatTemplate: null);
        var host = await ServingHost.StartAsync(model, new ServingOptions { Port = 0, ApiKeys = apiKeys });
        return new TinyServer(tiny, host, apiKeys.FirstOrDefault());
    }

    /// <summary>Raw HTTP helpers for a server started elsewhere (a node's `--serve`); disposing does not stop it.</summary>
    public static TinyServer Attach(ServingHost host) => new(null, host, null) { _owned = false };

    private bool _owned = true;

    /// <summary>POSTs a JSON body (with <paramref name="apiKey"/> instead of the default one); returns the status and the parsed response (an error body included).</summary>
    public async Task<(int Status, JsonElement Body)> Post(string path, object body, string? apiKey = null, CancellationToken cancellation = default)
    {
        var (status, text, _) = await PostRaw(path, body, apiKey, cancellation);
        return (status, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>POSTs a JSON body; the status, the body text and the Retry-After header (seconds) if any.</summary>
    public async Task<(int Status, string Body, int? RetryAfter)> PostRaw(string path, object body, string? apiKey = null, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await Http.SendAsync(request, cancellation);
        string text = await response.Content.ReadAsStringAsync(cancellation);
        return ((int)response.StatusCode, text, (int?)response.Headers.RetryAfter?.Delta?.TotalSeconds);
    }

    /// <summary>GETs a path; the status and the parsed body.</summary>
    public async Task<(int Status, JsonElement Body)> Get(string path)
    {
        using var response = await Http.GetAsync(path);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>POSTs with "stream": true and returns each "data:" payload, [DONE] included.</summary>
    public async Task<List<string>> PostStream(string path, object body)
    {
        using var response = await Http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        string text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(events.All(e => e.StartsWith("data: ")), text);
        return events.Select(e => e["data: ".Length..]).ToList();
    }

    public static int[] TokenIds(JsonElement response) =>
        response.GetProperty("tensorcash").GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_owned) return;
        await Host.DisposeAsync();
        _tiny?.Dispose();
    }
}
