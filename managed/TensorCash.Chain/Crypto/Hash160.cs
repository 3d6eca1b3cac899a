using System.Security.Cryptography;

namespace TensorCash.Chain.Crypto;

/// <summary>Bitcoin's HASH160 = RIPEMD-160(SHA-256(x)): the 20-byte key hash behind addresses and P2PKH.</summary>
public static class Hash160
{
    public const int Size = Ripemd160.HashSize;

    public static byte[] Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> sha = stackalloc byte[32];
        SHA256.HashData(data, sha);
        return Ripemd160.Hash(sha);
    }
}
