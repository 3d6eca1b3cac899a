namespace TensorCash.Chain.Serialization;

/// <summary>Bytes that are not a canonical encoding of the expected object (truncated, oversized, non-minimal, trailing data).</summary>
public sealed class ChainFormatException(string message) : Exception(message);
