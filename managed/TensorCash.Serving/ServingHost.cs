using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace TensorCash.Serving;

/// <summary>Where and how to listen. Loopback by default: exposing the server is a deliberate choice.</summary>
public sealed record ServingOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 = any free port (read the bound one from <see cref="ServingHost.Port"/>).</summary>
    public int Port { get; init; } = 8000;
    /// <summary>
    /// When not empty, every request needs "Authorization: Bearer KEY" with one of these keys (401 otherwise); each key
    /// is a client of its own for fair scheduling (<see cref="ClientIdentity"/>).
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];
}

/// <summary>
/// The OpenAI-compatible server on Kestrel: GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
/// GET /v1/receipts/{hash}, GET /metrics. Owns the engine loop (<see cref="ContinuousBatcher"/>); does not own the
/// model, nor the proof-bearing queue when the caller (a mining node) passes its own.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServingHost(WebApplication app, ContinuousBatcher batcher, ProofBearingQueue proofQueue, ServingMetrics metrics, int port)
    {
        _app = app;
        Batcher = batcher;
        ProofQueue = proofQueue;
        Metrics = metrics;
        Port = port;
    }

    public int Port { get; }
    public ProofBearingQueue ProofQueue { get; }
    internal ContinuousBatcher Batcher { get; }
    public ServingMetrics Metrics { get; }

    /// <param name="proofQueue">Where proof-bearing requests go; a mining node passes the one its miner reads. Default: a queue of its own.</param>
    public static async Task<ServingHost> StartAsync(ServedModel model, ServingOptions options, ProofBearingQueue? proofQueue = null,
        CancellationToken cancellation = default)
    {
        var address = ParseHost(options.Host);
        if (options.Port is < 0 or > 65535) throw new ArgumentException($"port must be in 0..65535 (got {options.Port})");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, options.Port);
            k.Limits.MaxRequestBodySize = ServingLimits.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        var app = builder.Build();

        var metrics = new ServingMetrics();
        var batcher = new ContinuousBatcher(model.Transformer, metrics);
        proofQueue ??= new ProofBearingQueue();
        var completions = new CompletionEndpoint(model, batcher, proofQueue, metrics);

        if (options.ApiKeys.Count > 0) app.Use(ClientIdentity.RequireApiKeys(options.ApiKeys));
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException) // never a stack trace to the client
            {
                await CompletionEndpoint.WriteError(http, new ApiException(500, "server_error", $"internal error: {e.Message}"));
            }
        });
        app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = model.Id, @object = "model", created = 0, owned_by = "tensorcash" } },
        }));
        app.MapGet("/v1/models/{id}", (HttpContext http, string id) => id == model.Id
            ? Results.Json(new { id = model.Id, @object = "model", created = 0, owned_by = "tensorcash" })
            : Results.Json(ApiException.ModelNotFound(id).Body, statusCode: 404));
        app.MapPost("/v1/completions", (HttpContext http) => completions.Handle(http, chat: false));
        app.MapPost("/v1/chat/completions", (HttpContext http) => completions.Handle(http, chat: true));
        var receipts = proofQueue.Receipts;
        app.MapGet("/v1/receipts/{hash}", (HttpContext http, string hash) =>
        {
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                return CompletionEndpoint.WriteError(http, ApiException.Invalid($"a receipt is the 64 hex digits of transcript_sha256 (got '{Shorten(hash)}')", "hash"));
            return receipts.Find(hash.ToLowerInvariant()) is { } receipt
                ? CompletionEndpoint.WriteJson(http, 200, receipts.ToJson(receipt))
                : CompletionEndpoint.WriteError(http, new ApiException(404, "invalid_request_error",
                    $"no receipt {hash}: never issued here, or forgotten (the server keeps the last {ServingLimits.MaxReceipts})", "hash", "receipt_not_found"));
        });
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4";
            await metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        });
        app.MapFallback((HttpContext http) => CompletionEndpoint.WriteError(http,
            new ApiException(404, "invalid_request_error", $"unknown endpoint {http.Request.Method} {http.Request.Path}", null, "unknown_url")));

        try
        {
            await app.StartAsync(cancellation);
        }
        catch
        {
            batcher.Dispose();
            await app.DisposeAsync();
            throw;
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).First();
        return new ServingHost(app, batcher, proofQueue, metrics, bound);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        Batcher.Dispose();
        await _app.DisposeAsync();
    }

    private static IPAddress ParseHost(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"--host must be an IP address or localhost (got '{host}')");
}
