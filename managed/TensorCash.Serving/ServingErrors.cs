namespace TensorCash.Serving;

/// <summary>
/// A request the server answers with an error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}
/// and the HTTP status that goes with it; a 503 also carries Retry-After.
/// </summary>
public sealed class ApiException(int status, string type, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    /// <summary>Sent as the Retry-After header when set.</summary>
    public int? RetryAfterSeconds { get; init; }

    public object Body => new { error = new { message = Message, type = Type, param = Param, code = Code } };

    public static ApiException Invalid(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, param, code);

    public static ApiException ModelNotFound(string model) =>
        new(404, "invalid_request_error", $"The model '{model}' does not exist; this server serves one model (see GET /v1/models).", "model", "model_not_found");

    /// <summary>This client already has its share of the queue waiting: its own traffic is the problem (OpenAI's 429).</summary>
    public static ApiException ClientQueueFull(int perClient) =>
        new(429, "rate_limit_error", $"You already have {perClient} requests waiting for this server; wait for some to finish, then retry.", null, "client_queue_full");

    /// <summary>The server's whole queue is full (every client together): nobody's fault, try again soon (OpenAI's 503).</summary>
    public static ApiException Overloaded(int total) =>
        new(503, "server_error", $"The server is overloaded ({total} requests waiting); retry after a moment.", null, "server_overloaded")
        { RetryAfterSeconds = ServingLimits.RetryAfterSeconds };

    public static ApiException ShuttingDown() =>
        new(503, "server_error", "The server is shutting down; retry on another server or after it restarts.", null, "shutting_down")
        { RetryAfterSeconds = ServingLimits.RetryAfterSeconds };
}
