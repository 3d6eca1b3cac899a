using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace TensorCash.Node.Rpc;

/// <summary>The client side used by `tensorcash cli` and multi-node tests: one POST per call, cookie credentials.</summary>
public sealed class RpcClient(int port, string credentials) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>Calls <paramref name="method"/> and returns its result; an error object becomes an <see cref="RpcException"/>.</summary>
    public async Task<JsonNode?> CallAsync(string method, params JsonNode?[] parameters)
    {
        var request = new JsonObject { ["jsonrpc"] = "1.0", ["id"] = "tensorcash", ["method"] = method, ["params"] = new JsonArray(parameters) };
        using var message = new HttpRequestMessage(HttpMethod.Post, "") { Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json") };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(credentials)));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message);
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"cannot reach the node's RPC on 127.0.0.1:{_http.BaseAddress!.Port}: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                throw new IOException("the node refused the RPC credentials (stale .cookie? restart the client after the node restarts)");
            string body = await response.Content.ReadAsStringAsync();
            var reply = JsonNode.Parse(body) as JsonObject ?? throw new IOException($"the node answered with something that is not a JSON-RPC reply: {body}");
            if (reply["error"] is JsonObject error)
                throw new RpcException((RpcErrorCode)(int)error["code"]!, (string?)error["message"] ?? "unknown error");
            return reply["result"]?.DeepClone();
        }
    }

    public void Dispose() => _http.Dispose();
}
