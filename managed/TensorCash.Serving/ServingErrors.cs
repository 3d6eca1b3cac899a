namespace TensorCash.Serving;

/// <summary>
/// A request the server answers with an error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}
/// and the HTTP status that goes with it.
/// </summary>
public sealed class ApiException(int status, string type, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    public object Body => new { error = new { message = Message, type = Type, param = Param, code = Code } };

    public static ApiException Invalid(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, param, code);

    public static ApiException ModelNotFound(string model) =>
        new(404, "invalid_request_error", $"The model '{model}' does not exist; this server serves one model (see GET /v1/models).", "model", "model_not_found");

    public static ApiException QueueFull() =>
        new(429, "rate_limit_error", $"The server's queue is full ({ServingLimits.MaxQueuedRequests} waiting requests); retry later.", null, "queue_full");

    public static ApiException Unavailable(string message) => new(503, "server_error", message, null, "unavailable");
}
