using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>The HTTP side of the RPC limits: JSON-RPC error bodies (never an empty 500), the body cap, the work queue.</summary>
public class RpcServerLimitTests
{
    private const string Credentials = "__cookie__:secret";

    private static HttpRequestMessage Post(int port, HttpContent content)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/") { Content = content };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(Credentials)));
        return message;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> Send(HttpClient http, int port, HttpContent content)
    {
        using var response = await http.SendAsync(Post(port, content));
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Is.Not.Empty, $"HTTP {(int)response.StatusCode} must carry a JSON-RPC reply");
        return (response.StatusCode, JsonNode.Parse(body)!);
    }

    [Test]
    public async Task DuplicateKeysAndBadJsonAreJsonRpcErrorsOverHttp()
    {
        var dispatcher = new RpcDispatcher();
        dispatcher.Register("ping", "ping", "Answers pong.", _ => "pong");
        await using var server = await RpcServer.StartAsync(dispatcher, 0, Credentials);
        using var http = new HttpClient();

        foreach (string body in new[] { """{"id":1,"method":"ping","method":"ping"}""", "{", "", "[]", "7" })
        {
            var (status, reply) = await Send(http, server.Port, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That((int)reply["error"]!["code"]!, Is.AnyOf((int)RpcErrorCode.ParseError, (int)RpcErrorCode.InvalidRequest), body);
        }
        var (okStatus, ok) = await Send(http, server.Port, new StringContent("""{"id":1,"method":"ping"}""", Encoding.UTF8));
        Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((string?)ok["result"], Is.EqualTo("pong"));
    }

    [Test]
    public async Task ABodyOverTheCapIs413WithoutReadingItAll()
    {
        const long cap = 1024 * 1024;
        var dispatcher = new RpcDispatcher();
        dispatcher.Register("echo", "echo x", "Echoes x's length.", p => p.String(0, "x").Length);
        await using var server = await RpcServer.StartAsync(dispatcher, 0, Credentials, new RpcLimits(MaxRequestBodyBytes: cap));
        using var http = new HttpClient();

        // Declared too large: refused before any of it is read.
        var declared = await RawPost(server.Port, chunked: false, declaredLength: cap + 1, total: cap + 1);
        Assert.That(declared.Status, Is.EqualTo(413));
        Assert.That((string)JsonNode.Parse(declared.Body)!["error"]!["message"]!, Does.Contain("too large").And.Contain(cap.ToString()));

        // Chunked, with no length: the server stops reading at the cap, long before the 256 MB the client would send.
        var endless = await RawPost(server.Port, chunked: true, declaredLength: 0, total: 256L * 1024 * 1024);
        Assert.That(endless.Status, Is.EqualTo(413));
        Assert.That((string)JsonNode.Parse(endless.Body)!["error"]!["message"]!, Does.Contain("too large"));
        Assert.That(endless.Sent, Is.LessThan(64L * 1024 * 1024), "the body was not read far past the cap");

        // A body under the cap still works.
        string ok = "{\"id\":1,\"method\":\"echo\",\"params\":[\"" + new string('a', (int)cap / 2) + "\"]}";
        var (okStatus, okReply) = await Send(http, server.Port, new StringContent(ok, Encoding.UTF8));
        Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((int)okReply["result"]!, Is.EqualTo((int)cap / 2));
    }

    [Test]
    public async Task AFullWorkQueueIs503()
    {
        var dispatcher = new RpcDispatcher();
        using var gate = new ManualResetEventSlim(false);
        int running = 0;
        dispatcher.Register("slow", "slow", "Waits for the test.", _ =>
        {
            Interlocked.Increment(ref running);
            gate.Wait(TimeSpan.FromSeconds(60));
            return "done";
        });
        await using var server = await RpcServer.StartAsync(dispatcher, 0, Credentials, new RpcLimits(MaxConcurrentCalls: 2, MaxQueuedCalls: 2));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        const string slow = """{"id":1,"method":"slow"}""";
        try
        {
            var busy = Enumerable.Range(0, 4).Select(_ => Send(http, server.Port, new StringContent(slow, Encoding.UTF8))).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((server.PendingCalls < 4 || Volatile.Read(ref running) < 2) && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.That(server.PendingCalls, Is.EqualTo(4), "two running, two waiting");
            Assert.That(Volatile.Read(ref running), Is.EqualTo(2), "only two run at once");

            var (status, reply) = await Send(http, server.Port, new StringContent(slow, Encoding.UTF8));
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((int)reply["error"]!["code"]!, Is.EqualTo((int)RpcErrorCode.ServerBusy));
            Assert.That((string)reply["error"]!["message"]!, Does.Contain("queue is full"));

            gate.Set();
            foreach (var call in busy)
            {
                var (okStatus, ok) = await call;
                Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK));
                Assert.That((string?)ok["result"], Is.EqualTo("done"));
            }
            Assert.That(server.PendingCalls, Is.Zero);
        }
        finally
        {
            gate.Set();
        }
    }

    /// <summary>
    /// Posts a body of '0' characters inside a JSON string over a raw socket, stopping as soon as the server has
    /// answered or stopped reading; returns the status, the reply body and how many bytes of the body were written.
    /// </summary>
    private static async Task<(int Status, string Body, long Sent)> RawPost(int port, bool chunked, long declaredLength, long total)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        string auth = Convert.ToBase64String(Encoding.ASCII.GetBytes(Credentials));
        string headers = $"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\n" +
            (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {declaredLength}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers));
        var response = ReadResponse(stream);
        long sent = 0;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'0');
        byte[] head = Encoding.ASCII.GetBytes("{\"id\":1,\"method\":\"echo\",\"params\":[\"");
        Buffer.BlockCopy(head, 0, chunk, 0, head.Length);
        try
        {
            while (sent < total && !response.IsCompleted)
            {
                int n = (int)Math.Min(chunk.Length, total - sent);
                if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
                await stream.WriteAsync(chunk.AsMemory(0, n));
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray());
                sent += n;
            }
        }
        catch (IOException)
        {
            // The server answered and closed the connection: it stopped reading.
        }
        var (status, body) = await response.WaitAsync(TimeSpan.FromSeconds(30));
        return (status, body, sent);
    }

    private static async Task<(int Status, string Body)> ReadResponse(Stream stream)
    {
        var buffer = new MemoryStream();
        var block = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(block);
            }
            catch (IOException)
            {
                n = 0;
            }
            if (n > 0) buffer.Write(block, 0, n);
            string text = Encoding.UTF8.GetString(buffer.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                int status = int.Parse(text.Split(' ')[1]);
                string body = text[(end + 4)..];
                // The reply is one JSON line ending in a newline (chunked replies carry a size line first).
                int brace = body.IndexOf('{');
                int newline = brace < 0 ? -1 : body.IndexOf('\n', brace);
                if (newline >= 0) return (status, body[brace..newline]);
            }
            if (n == 0) throw new IOException($"the connection closed before a full reply: {text}");
        }
    }
}
