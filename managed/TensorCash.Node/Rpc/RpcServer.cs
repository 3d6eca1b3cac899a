using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TensorCash.Node.Rpc;

/// <summary>How much work the RPC server takes on at once (see docs/operator-guide.md, "What each limit protects").</summary>
/// <param name="MaxRequestBodyBytes">The largest request body; a larger one is answered 413 without being read past the cap.</param>
/// <param name="MaxConcurrentCalls">Requests executing at once (each one parses its body only once it has a slot).</param>
/// <param name="MaxQueuedCalls">Requests waiting for a slot; beyond them a request is answered 503 at once.</param>
public sealed record RpcLimits(long MaxRequestBodyBytes = RpcServer.MaxRequestBodyBytes, int MaxConcurrentCalls = RpcServer.MaxConcurrentCalls,
    int MaxQueuedCalls = RpcServer.MaxQueuedCalls);

/// <summary>
/// JSON-RPC over HTTP on 127.0.0.1 only, with HTTP Basic authentication against the cookie. Kestrel serves it; the
/// dispatcher does the work. Requests are answered one at a time per connection, as bitcoind does.
/// <para>
/// Every answer to an authenticated request is a JSON-RPC reply, also for a body that is too large (413), a full work
/// queue (503) or a body that is not JSON (a parse error): never an empty 500. The body is parsed as UTF-8 straight from
/// the request stream (System.Text.Json), never copied into a string, and reading stops at the cap.
/// </para>
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    /// <summary>
    /// DoS cap on a request body. A maximum-size block with its proof, hex-encoded, fits (submitblock); it also bounds
    /// the memory one call can take (the parsed document is about the size of the body).
    /// </summary>
    public const long MaxRequestBodyBytes = 32L * 1024 * 1024;

    /// <summary>Requests executing at once; with the body cap this bounds the memory that RPC can take (16 × 32 MB).</summary>
    public const int MaxConcurrentCalls = 16;

    /// <summary>Requests waiting for an execution slot (their bodies are not read while they wait); more are answered 503.</summary>
    public const int MaxQueuedCalls = 64;

    private readonly WebApplication _app;

    private readonly Admission _admission;

    private RpcServer(WebApplication app, int port, Admission admission)
    {
        _app = app;
        Port = port;
        _admission = admission;
    }

    /// <summary>Requests admitted to the work queue: executing or waiting for a slot.</summary>
    public int PendingCalls => Volatile.Read(ref _admission.Count);

    private sealed class Admission
    {
        public int Count;
    }

    /// <summary>The bound port (useful when started with port 0).</summary>
    public int Port { get; }

    public static async Task<RpcServer> StartAsync(RpcDispatcher dispatcher, int port, string credentials, RpcLimits? limits = null)
    {
        limits ??= new RpcLimits();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            options.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        byte[] expected = Encoding.ASCII.GetBytes("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(credentials)));
        var slots = new SemaphoreSlim(limits.MaxConcurrentCalls, limits.MaxConcurrentCalls);
        var admission = new Admission(); // executing + waiting
        app.MapPost("/", async context =>
        {
            byte[] given = Encoding.ASCII.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"jsonrpc\"";
                return;
            }
            if (context.Request.ContentLength is long declared && declared > limits.MaxRequestBodyBytes)
            {
                await Reply(context, StatusCodes.Status413PayloadTooLarge, TooLarge(limits));
                return;
            }
            if (Interlocked.Increment(ref admission.Count) > limits.MaxConcurrentCalls + limits.MaxQueuedCalls)
            {
                Interlocked.Decrement(ref admission.Count);
                await Reply(context, StatusCodes.Status503ServiceUnavailable, RpcDispatcher.ErrorReply(null, RpcErrorCode.ServerBusy,
                    $"the RPC work queue is full ({limits.MaxConcurrentCalls} calls running, {limits.MaxQueuedCalls} waiting); try again later"));
                return;
            }
            try
            {
                await slots.WaitAsync(context.RequestAborted);
                try
                {
                    JsonNode? request;
                    try
                    {
                        request = await RpcDispatcher.ParseAsync(new CappedStream(context.Request.Body, limits.MaxRequestBodyBytes), context.RequestAborted);
                    }
                    catch (JsonException e)
                    {
                        await Reply(context, StatusCodes.Status200OK, RpcDispatcher.ErrorReply(null, RpcErrorCode.ParseError, $"parse error: {e.Message}"));
                        return;
                    }
                    catch (Exception e) when (e is BodyTooLargeException || (e is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status413PayloadTooLarge))
                    {
                        await Reply(context, StatusCodes.Status413PayloadTooLarge, TooLarge(limits));
                        return;
                    }
                    // Dispatch off the I/O thread: some methods (submitblock, verifyblockproof) run a verifier for a while.
                    JsonNode response = await Task.Run(() => dispatcher.Handle(request));
                    await Reply(context, StatusCodes.Status200OK, response);
                }
                finally
                {
                    slots.Release();
                }
            }
            finally
            {
                Interlocked.Decrement(ref admission.Count);
            }
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
        return new RpcServer(app, bound, admission);
    }

    private static JsonObject TooLarge(RpcLimits limits) => RpcDispatcher.ErrorReply(null, RpcErrorCode.InvalidRequest,
        $"request body too large: the limit is {limits.MaxRequestBodyBytes} bytes");

    private static async Task Reply(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close"; // the rest of the body is not read
        await using (var writer = new Utf8JsonWriter(context.Response.Body))
            body.WriteTo(writer);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class BodyTooLargeException(long cap) : IOException($"request body larger than {cap} bytes");

    /// <summary>A read-only view of the request body that fails once more than <c>cap</c> bytes have been read (also without a Content-Length).</summary>
    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Never ask for more than one byte past the cap, so a too-large body is detected without reading further.
            long room = cap - _read + 1;
            if (buffer.Length > room) buffer = buffer[..(int)room];
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > cap) throw new BodyTooLargeException(cap);
            return n;
        }
    }
}
