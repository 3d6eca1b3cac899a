using System.Net;
using System.Security.Cryptography;
using System.Text;
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
    /// <summary>When set, every request needs "Authorization: Bearer KEY" (401 otherwise).</summary>
    public string? ApiKey { get; init; }
}

/// <summary>
/// The OpenAI-compatible server on Kestrel: GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
/// GET /metrics. Owns the engine loop (<see cref="ContinuousBatcher"/>); does not own the model.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ContinuousBatcher _batcher;

    private ServingHost(WebApplication app, ContinuousBatcher batcher, ProofBearingQueue proofQueue, ServingMetrics metrics, int port)
    {
        _app = app;
        _batcher = batcher;
        ProofQueue = proofQueue;
        Metrics = metrics;
        Port = port;
    }

    public int Port { get; }
    public ProofBearingQueue ProofQueue { get; }
    public ServingMetrics Metrics { get; }

    public static async Task<ServingHost> StartAsync(ServedModel model, ServingOptions options, CancellationToken cancellation = default)
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
        var proofQueue = new ProofBearingQueue();
        var completions = new CompletionEndpoint(model, batcher, proofQueue, metrics);

        if (options.ApiKey is { } key) app.Use(RequireApiKey(key));
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        _batcher.Dispose();
        await _app.DisposeAsync();
    }

    private static IPAddress ParseHost(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"--host must be an IP address or localhost (got '{host}')");

    /// <summary>Bearer-token check in constant time, so the key cannot be guessed byte by byte from response times.</summary>
    private static Func<HttpContext, RequestDelegate, Task> RequireApiKey(string key)
    {
        byte[] expected = Encoding.UTF8.GetBytes("Bearer " + key);
        return (http, next) =>
        {
            byte[] given = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return next(http);
            return CompletionEndpoint.WriteError(http, new ApiException(401, "invalid_request_error",
                "missing or wrong API key; send 'Authorization: Bearer KEY'", null, "invalid_api_key"));
        };
    }
}
