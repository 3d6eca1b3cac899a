using NUnit.Framework;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Tokenization;
using TensorCash.Serving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Serving;

/// <summary>A running `tensorcash serve` for builtin:tiny on 127.0.0.1 and a free port, plus raw HTTP helpers.</summary>
public sealed class TinyServer : IAsyncDisposable
{
    private readonly BuiltinTiny _tiny;

    private TinyServer(BuiltinTiny tiny, ServingHost host, string? apiKey)
    {
        _tiny = tiny;
        Host = host;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Port}/"), Timeout = TimeSpan.FromMinutes(5) };
        if (apiKey is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public ServingHost Host { get; }
    public HttpClient Http { get; }
    public Uri ApiBase => new($"http://127.0.0.1:{Host.Port}/v1");

    public static async Task<TinyServer> Start(string? apiKey = null)
    {
        var tiny = new BuiltinTiny();
        var model = new ServedModel(BuiltinTiny.Spec, tiny.Transformer, new ByteTokenizer(), ChatTemplate: null);
        var host = await ServingHost.StartAsync(model, new ServingOptions { Port = 0, ApiKey = apiKey });
        return new TinyServer(tiny, host, apiKey);
    }

    /// <summary>POSTs a JSON body; returns the status and the parsed response (an error body included).</summary>
    public async Task<(int Status, JsonElement Body)> Post(string path, object body)
    {
        using var response = await Http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
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
        await Host.DisposeAsync();
        _tiny.Dispose();
    }
}
