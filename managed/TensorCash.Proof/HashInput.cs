using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorCash.Proof;

/// <summary>
/// Builds a hash preimage with the protocol's canonical encodings: integers fixed-width little-endian, variable
/// fields preceded by their length, so two different field lists can never serialise to the same bytes.
/// </summary>
internal sealed class HashInput
{
    private readonly List<byte> _bytes = new(128);

    public HashInput Raw(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) _bytes.Add(b);
        return this;
    }

    public HashInput U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public HashInput U16(ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        return Raw(buffer);
    }

    public HashInput U32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        return Raw(buffer);
    }

    public HashInput U64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        return Raw(buffer);
    }

    /// <summary>A field of 0..255 bytes, prefixed by its length as one byte.</summary>
    public HashInput ShortField(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > byte.MaxValue) throw new ProofInputException($"field of {bytes.Length} bytes exceeds the 255-byte limit");
        return U8((byte)bytes.Length).Raw(bytes);
    }

    /// <summary>A field of 0..65535 bytes, prefixed by its length as a u16.</summary>
    public HashInput MediumField(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue) throw new ProofInputException($"field of {bytes.Length} bytes exceeds the 65535-byte limit");
        return U16((ushort)bytes.Length).Raw(bytes);
    }

    public byte[] Sha256() => SHA256.HashData(_bytes.ToArray());
}
