namespace TensorCash.Serving;

/// <summary>
/// Every bound the server puts on what clients can make it do, in one place. A request that would exceed one is
/// answered with an OpenAI-shaped error naming the limit, never queued.
/// </summary>
public static class ServingLimits
{
    /// <summary>Sequences advanced together by one forward pass; a request beyond this waits in the queue.</summary>
    public const int MaxBatchSize = 16;
    /// <summary>
    /// Requests waiting for a batch slot, all clients together; one more is refused with 503 (the server is
    /// overloaded, not the client at fault) rather than queued without end.
    /// </summary>
    public const int MaxQueuedRequests = 64;
    /// <summary>
    /// Requests one client (API key, else remote address) may have waiting; one more is refused with 429. A quarter of
    /// <see cref="MaxQueuedRequests"/>, so one flooding client leaves room for at least three others.
    /// </summary>
    public const int MaxQueuedRequestsPerClient = 16;
    /// <summary>Seconds a 503 asks the client to wait (Retry-After) before it tries again.</summary>
    public const int RetryAfterSeconds = 1;
    /// <summary>Receipts of proof-bearing requests remembered for GET /v1/receipts/{hash}; the oldest is forgotten first.</summary>
    public const int MaxReceipts = 65_536;
    /// <summary>Prompt tokens fed per step for one sequence, so a long prompt cannot stall the decoding of the others.</summary>
    public const int PrefillChunkTokens = 256;
    /// <summary>Bytes of one request body.</summary>
    public const long MaxRequestBodyBytes = 4 << 20;
    /// <summary>Nesting depth of a request's JSON.</summary>
    public const int MaxJsonDepth = 32;
    /// <summary>Stop sequences per request (OpenAI's own limit) and characters per stop sequence.</summary>
    public const int MaxStopSequences = 4;
    public const int MaxStopSequenceChars = 256;
    /// <summary>Chat messages per request.</summary>
    public const int MaxMessages = 1024;
    /// <summary>max_tokens when a completions request gives none (OpenAI's default for /v1/completions).</summary>
    public const int DefaultCompletionMaxTokens = 16;
    /// <summary>max_tokens when a chat request gives none: the rest of the context, but no more than this.</summary>
    public const int DefaultChatMaxTokens = 512;
}
