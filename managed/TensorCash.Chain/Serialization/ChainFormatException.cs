namespace TensorCash.Chain.Serialization;

/// <summary>Bytes that are not a canonical encoding of the expected object (truncated, oversized, non-minimal, trailing data).</summary>
public sealed class ChainFormatException(string message) : Exception(message)
{
    /// <summary>A length or count over its cap (the peer-to-peer layer punishes it as oversize, not malformed).</summary>
    public bool LimitExceeded { get; init; }
}
