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

    /// <summary>
    /// How request bodies are read: strict JSON (no comments, no trailing commas), a duplicate key in an object is a
    /// parse error (which value would be meant?), nesting at most 64 deep.
    /// </summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>Most requests in one batch; a larger batch is one Invalid Request error.</summary>
    public const int MaxBatchRequests = 1000;

    /// <summary>Parses a request body from UTF-8 bytes on a stream, without copying it into a string.</summary>
    /// <exception cref="JsonException">The body is not JSON (or repeats a key).</exception>
    public static async Task<JsonNode?> ParseAsync(Stream body, CancellationToken cancellation = default)
    {
        using var document = await JsonDocument.ParseAsync(body, DocumentOptions, cancellation);
        RequireDecodableStrings(document.RootElement);
        return ToNode(document.RootElement.Clone()); // the clone outlives the pooled buffers of the document
    }

    /// <summary>
    /// JsonDocument checks a string's UTF-8 and its escapes only when the string is read, by throwing
    /// InvalidOperationException, so a body with a bad string would fail inside a handler as "invalid request: ..."
    /// (found by fuzzing). Every key and string is read once here, making it a parse error like any other.
    /// Recursion is bounded by <see cref="DocumentOptions"/>' MaxDepth.
    /// </summary>
    /// <exception cref="JsonException">A key or string is not valid UTF-8 or escapes an unpaired surrogate.</exception>
    private static void RequireDecodableStrings(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        RequireDecodableStrings(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray()) RequireDecodableStrings(item);
                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"a string is not valid UTF-8 or escapes an unpaired surrogate: {e.Message}");
        }
    }

    private static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(element),
    };

    /// <summary>Handles one HTTP body (a request or a batch) and returns the response body.</summary>
    public string HandleBody(string body)
    {
        JsonNode? request;
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            RequireDecodableStrings(document.RootElement);
            request = ToNode(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            return ErrorReply(null, RpcErrorCode.ParseError, $"parse error: {e.Message}").ToJsonString();
        }
        return Handle(request).ToJsonString();
    }

    /// <summary>Answers a parsed body: a request object, or a batch (an array of them). Never throws.</summary>
    public JsonNode Handle(JsonNode? request)
    {
        try
        {
            if (request is JsonArray batch)
            {
                if (batch.Count == 0) return ErrorReply(null, RpcErrorCode.InvalidRequest, "an empty batch (a batch must hold at least one request)");
                if (batch.Count > MaxBatchRequests)
                    return ErrorReply(null, RpcErrorCode.InvalidRequest, $"a batch of {batch.Count} requests (at most {MaxBatchRequests})");
                return new JsonArray(batch.Select(r => (JsonNode?)Guarded(r)).ToArray());
            }
            return Guarded(request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReply(null, RpcErrorCode.InternalError, $"internal error: {e.Message}");
        }
    }

    private JsonObject Guarded(JsonNode? request)
    {
        try
        {
            return HandleOne(request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A malformed request that slipped past the checks below (never a stack trace, never an HTTP 500).
            return ErrorReply(null, RpcErrorCode.InvalidRequest, $"invalid request: {e.Message}");
        }
    }

    private JsonObject HandleOne(JsonNode? request)
    {
        if (request is not JsonObject call) return Error(null, RpcErrorCode.InvalidRequest, "a request must be a JSON object");
        JsonNode? id = call["id"]?.DeepClone();
        if (id is JsonObject or JsonArray) return ErrorReply(null, RpcErrorCode.InvalidRequest, "\"id\" must be a string, a number or null");
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

    /// <summary>A JSON-RPC reply carrying an error.</summary>
    public static JsonObject ErrorReply(JsonNode? id, RpcErrorCode code, string message) => Error(id, code, message);

    private static JsonObject Error(JsonNode? id, RpcErrorCode code, string message) => new()
    {
        ["result"] = null,
        ["error"] = new JsonObject { ["code"] = (int)code, ["message"] = message },
        ["id"] = id,
    };
}
