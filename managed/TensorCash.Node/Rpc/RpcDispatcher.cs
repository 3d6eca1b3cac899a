using System.Text.Json;
using System.Text.Json.Nodes;

namespace TensorCash.Node.Rpc;

/// <summary>
/// The method table and JSON-RPC request handling, independent of HTTP so tests can drive it directly. Accepts
/// bitcoind's dialect: a single request object or a batch array, "params" as an array (or absent), "id" echoed.
/// Every failure becomes an error object; a handler's unexpected exception is reported as an internal error with
/// its message, never a stack trace.
/// </summary>
public sealed class RpcDispatcher
{
    public delegate JsonNode? Handler(RpcParameters parameters);

    private sealed record Method(string Name, string Usage, string Help, Handler Handler);

    private readonly Dictionary<string, Method> _methods = new(StringComparer.Ordinal);

    public RpcDispatcher() =>
        Register("help", "help ( \"command\" )", "List all commands, or get help for one.", p =>
        {
            string? name = p.OptionalString(0, "command");
            if (name is null) return string.Join('\n', _methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.Usage));
            return _methods.TryGetValue(name, out var method)
                ? $"{method.Usage}\n\n{method.Help}"
                : throw new RpcException(RpcErrorCode.MethodNotFound, $"help: unknown command '{name}'");
        });

    public IEnumerable<string> MethodNames => _methods.Keys;

    /// <param name="usage">One line, bitcoind style: name, then arguments, optional ones in parentheses.</param>
    public void Register(string name, string usage, string help, Handler handler) => _methods.Add(name, new Method(name, usage, help, handler));

    /// <summary>Handles one HTTP body (a request or a batch) and returns the response body.</summary>
    public string HandleBody(string body)
    {
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return Error(null, RpcErrorCode.ParseError, $"parse error: {e.Message}").ToJsonString();
        }
        if (request is JsonArray batch)
            return new JsonArray(batch.Select(r => (JsonNode?)HandleOne(r)).ToArray()).ToJsonString();
        return HandleOne(request).ToJsonString();
    }

    private JsonObject HandleOne(JsonNode? request)
    {
        if (request is not JsonObject call) return Error(null, RpcErrorCode.InvalidRequest, "a request must be a JSON object");
        JsonNode? id = call["id"]?.DeepClone();
        if (call["method"] is not JsonValue methodValue || !methodValue.TryGetValue(out string? name))
            return Error(id, RpcErrorCode.InvalidRequest, "the request has no \"method\" string");
        if (!_methods.TryGetValue(name, out var method))
            return Error(id, RpcErrorCode.MethodNotFound, $"method not found: '{name}'");

        List<JsonElement> values = [];
        switch (call["params"])
        {
            case null: break;
            case JsonArray array:
                values.AddRange(array.Select(v => JsonSerializer.SerializeToElement(v)));
                break;
            default:
                return Error(id, RpcErrorCode.InvalidParams, $"{name}: \"params\" must be an array (named parameters are not supported)");
        }
        try
        {
            var result = method.Handler(new RpcParameters(name, values));
            return new JsonObject { ["result"] = result, ["error"] = null, ["id"] = id };
        }
        catch (RpcException e)
        {
            return Error(id, e.Code, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Error(id, RpcErrorCode.InternalError, $"{name} failed: {e.Message}");
        }
    }

    private static JsonObject Error(JsonNode? id, RpcErrorCode code, string message) => new()
    {
        ["result"] = null,
        ["error"] = new JsonObject { ["code"] = (int)code, ["message"] = message },
        ["id"] = id,
    };
}
