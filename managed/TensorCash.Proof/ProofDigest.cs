using System.Buffers.Binary;

namespace TensorCash.Proof;

/// <summary>
/// The proof digest chained across windows and the nonce derived from it. The chain starts from a genesis digest
/// that commits to everything the draws depend on, so a window root can only ever be read under one binding.
/// </summary>
public static class ProofDigest
{
    public const int MinWindowSize = 1;
    public const int MaxWindowSize = 4096;

    /// <summary>D_-1 = SHA-256("TSC-GENESIS" || B || v || T || dt || C_0 || decode parameters || u32 W).</summary>
    public static byte[] Genesis(ChainBinding binding, PrecisionTag precision, ReadOnlySpan<byte> initialContext, DecodeParameters parameters, int windowSize)
    {
        PrecisionTags.Validate(precision);
        ValidateWindowSize(windowSize);
        if (initialContext.Length != 32) throw new ProofInputException($"context hash C_0 is {initialContext.Length} bytes; it must be 32");
        var input = binding.AppendTo(new HashInput().Raw(DomainTags.Genesis)).U8((byte)precision).Raw(initialContext);
        return parameters.AppendTo(input).U32((uint)windowSize).Sha256();
    }

    /// <summary>D_w = SHA-256("TSC-PROOF" || D_{w-1} || window root || u32 w).</summary>
    public static byte[] Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> windowRoot, uint windowIndex)
    {
        if (previous.Length != 32 || windowRoot.Length != 32)
            throw new ProofInputException($"window {windowIndex}: previous digest and window root must be 32 bytes (got {previous.Length} and {windowRoot.Length})");
        return new HashInput().Raw(DomainTags.Proof).Raw(previous).Raw(windowRoot).U32(windowIndex).Sha256();
    }

    /// <summary>The header nonce: the first 4 bytes of SHA-256("TSC-NONCE" || D_w) as a little-endian u32 (Bitcoin's nNonce width).</summary>
    public static uint Nonce(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32) throw new ProofInputException($"proof digest is {digest.Length} bytes; it must be 32");
        return BinaryPrimitives.ReadUInt32LittleEndian(new HashInput().Raw(DomainTags.Nonce).Raw(digest).Sha256());
    }

    public static void ValidateWindowSize(int windowSize)
    {
        if (windowSize is < MinWindowSize or > MaxWindowSize)
            throw new ProofInputException($"window size {windowSize} is outside {MinWindowSize}..{MaxWindowSize}");
    }
}
