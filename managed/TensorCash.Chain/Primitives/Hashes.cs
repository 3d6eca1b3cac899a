using System.Security.Cryptography;

namespace TensorCash.Chain.Primitives;

/// <summary>Bitcoin's hash functions on the BCL.</summary>
public static class Hashes
{
    /// <summary>SHA-256d: SHA-256 applied twice (txids, block hashes, Merkle nodes).</summary>
    public static Hash256 Sha256d(ReadOnlySpan<byte> data)
    {
        Span<byte> first = stackalloc byte[32];
        SHA256.HashData(data, first);
        Span<byte> second = stackalloc byte[32];
        SHA256.HashData(first, second);
        return new Hash256(second);
    }
}
