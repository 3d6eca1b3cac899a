using System.Buffers.Binary;

namespace TensorCash.Proof;

/// <summary>
/// The per-step draw u_t = U(SHA-256("TSC-POI" || B || v || T || t || C_t || dt)). The result is the numerator of the
/// fraction u_t = value / 2^64 in [0, 1): the digest's first 8 bytes read big-endian, i.e. the digest taken as the
/// binary expansion 0.d0 d1 d2 ... truncated to 64 bits.
/// </summary>
public static class DrawFunction
{
    public static ulong Draw(ChainBinding binding, uint step, ReadOnlySpan<byte> context, PrecisionTag precision)
    {
        if (context.Length != 32) throw new ProofInputException($"context hash C_{step} is {context.Length} bytes; it must be 32");
        PrecisionTags.Validate(precision);
        var input = binding.AppendTo(new HashInput().Raw(DomainTags.Draw)).U32(step).Raw(context).U8((byte)precision);
        return BinaryPrimitives.ReadUInt64BigEndian(input.Sha256());
    }
}
