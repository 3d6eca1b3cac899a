using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TensorCash.Node.Rpc;

/// <summary>
/// JSON-RPC over HTTP on 127.0.0.1 only, with HTTP Basic authentication against the cookie. Kestrel serves it; the
/// dispatcher does the work. Requests are answered one at a time per connection, as bitcoind does.
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    /// <summary>DoS cap on a request body: a maximum-size block with its proof, hex-encoded, fits with room to spare.</summary>
    public const long MaxRequestBodyBytes = 128L * 1024 * 1024;

    private readonly WebApplication _app;

    private RpcServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bound port (useful when started with port 0).</summary>
    public int Port { get; }

    public static async Task<RpcServer> StartAsync(RpcDispatcher dispatcher, int port, string credentials)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            options.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        byte[] expected = Encoding.ASCII.GetBytes("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(credentials)));
        app.MapPost("/", async context =>
        {
            byte[] given = Encoding.ASCII.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"jsonrpc\"";
                return;
            }
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync(context.RequestAborted);
            // Dispatch off the I/O thread: some methods (submitblock, verifyblockproof) run a verifier for a while.
            string response = await Task.Run(() => dispatcher.HandleBody(body));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response + "\n", context.RequestAborted);
        });
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new IOException($"cannot listen for RPC on 127.0.0.1:{port}: {e.Message} (is another node running? choose --rpcport)", e);
        }
        var bound = app.Urls.Select(u => new Uri(u).Port).FirstOrDefault(port);
        return new RpcServer(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
