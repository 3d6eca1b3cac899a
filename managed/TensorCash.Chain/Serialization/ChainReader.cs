using System.Buffers.Binary;
using TensorCash.Chain.Primitives;

namespace TensorCash.Chain.Serialization;

/// <summary>
/// Strict reader for <see cref="ChainWriter"/>'s encoding. Every failure is a <see cref="ChainFormatException"/> that
/// names what was being read; non-minimal CompactSize and lengths over the caller's cap are rejected before any
/// allocation, so a hostile length prefix cannot make us allocate.
/// </summary>
public ref struct ChainReader
{
    /// <summary>Bitcoin's MAX_SIZE: no CompactSize-prefixed field may claim more than 32 MiB.</summary>
    public const ulong MaxCompactSize = 0x0200_0000;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ChainReader(ReadOnlySpan<byte> data) { _data = data; _position = 0; }

    public int Position => _position;
    public int Remaining => _data.Length - _position;
    public bool AtEnd => _position == _data.Length;

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0 || count > Remaining)
            throw new ChainFormatException($"truncated: {what} needs {count} bytes at offset {_position}, {Remaining} left");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte U8(string what) => Take(1, what)[0];
    public ushort U16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
    public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
    public int I32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));
    public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));
    public long I64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));
    public Hash256 Hash(string what) => new(Take(Hash256.Size, what));
    public ReadOnlySpan<byte> Raw(int count, string what) => Take(count, what);

    public ulong CompactSize(string what, ulong max = MaxCompactSize)
    {
        byte tag = U8(what);
        ulong value = tag switch
        {
            < 0xFD => tag,
            0xFD => Check(U16(what), 0xFD, what),
            0xFE => Check(U32(what), 0x1_0000, what),
            _ => Check(U64(what), 0x1_0000_0000, what),
        };
        if (value > max) throw new ChainFormatException($"{what}: {value} exceeds the limit of {max}") { LimitExceeded = true };
        return value;
    }

    private static ulong Check(ulong value, ulong minimum, string what) =>
        value >= minimum ? value : throw new ChainFormatException($"{what}: non-canonical CompactSize ({value} in a longer form than needed)");

    public byte[] VarBytes(string what, int max)
    {
        int length = (int)CompactSize(what, (ulong)max);
        return Take(length, what).ToArray();
    }

    /// <summary>Throws unless every byte was consumed: trailing data makes an encoding non-canonical.</summary>
    public void ExpectEnd(string what)
    {
        if (!AtEnd) throw new ChainFormatException($"{what}: {Remaining} trailing bytes after offset {_position}");
    }
}
