using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorCash.Proof;

/// <summary>
/// The rolling context hash C_t: it commits to the model, the prompt and every generated token so far, and advances
/// in O(1) per step so a draw never rehashes the whole context.
/// </summary>
public static class ContextHash
{
    public const int MaxModelIdBytes = 255;

    /// <summary>C_0 = SHA-256("TSC-CTX" || u8 len || model id || u32 prompt count || prompt ids as u32).</summary>
    public static byte[] Initial(ReadOnlySpan<byte> modelId, ReadOnlySpan<int> promptTokens)
    {
        if (modelId.Length is 0 or > MaxModelIdBytes)
            throw new ProofInputException($"model id is {modelId.Length} bytes; it must be 1..{MaxModelIdBytes}");
        var input = new HashInput().Raw(DomainTags.Context).ShortField(modelId).U32((uint)promptTokens.Length);
        for (var i = 0; i < promptTokens.Length; i++) input.U32(TokenIds.ToWire(promptTokens[i], $"prompt token {i}"));
        return input.Sha256();
    }

    /// <summary>C_{t+1} = SHA-256(C_t || y_t as u32 LE).</summary>
    public static byte[] Next(ReadOnlySpan<byte> context, int token)
    {
        if (context.Length != 32) throw new ProofInputException($"context hash is {context.Length} bytes; it must be 32");
        Span<byte> buffer = stackalloc byte[36];
        context.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[32..], TokenIds.ToWire(token, "generated token"));
        return SHA256.HashData(buffer);
    }
}
