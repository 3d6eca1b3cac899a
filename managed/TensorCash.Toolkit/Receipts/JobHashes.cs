using System.Security.Cryptography;
using TensorCash.Proof;

namespace TensorCash.Toolkit.Receipts;

/// <summary>
/// H(request), H(output) and work units for a token-level job, as `tensorcash prove --receipt` states them:
/// H = SHA-256(tag || u32 count || count x u32 token id), tag "TSC-RCPT-REQUEST" or "TSC-RCPT-OUTPUT".
/// Work units are the paper's "attested output tokens x model-size class", the class being the model's matrix
/// parameters in whole billions, rounded up, at least 1.
/// </summary>
public static class JobHashes
{
    private static readonly byte[] RequestTag = "TSC-RCPT-REQUEST"u8.ToArray();
    private static readonly byte[] OutputTag = "TSC-RCPT-OUTPUT"u8.ToArray();

    public static byte[] Request(IReadOnlyList<int> promptTokens) => Tokens(RequestTag, promptTokens);

    public static byte[] Output(IReadOnlyList<int> outputTokens) => Tokens(OutputTag, outputTokens);

    public static ulong WorkUnits(int outputTokens, long matrixParameters)
    {
        if (outputTokens < 0 || matrixParameters < 0) throw new ArgumentException("token and parameter counts are non-negative");
        ulong sizeClass = Math.Max(1UL, ((ulong)matrixParameters + 999_999_999UL) / 1_000_000_000UL);
        return checked((ulong)outputTokens * sizeClass);
    }

    private static byte[] Tokens(byte[] tag, IReadOnlyList<int> tokens)
    {
        var writer = new LittleEndianWriter(tag.Length + 4 + 4 * tokens.Count).Bytes(tag).U32((uint)tokens.Count);
        foreach (var token in tokens)
        {
            if (token < 0) throw new ArgumentException($"token id {token} is negative");
            writer.U32((uint)token);
        }
        return SHA256.HashData(writer.ToArray());
    }
}
