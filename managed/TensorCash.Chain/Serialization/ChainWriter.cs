using System.Buffers.Binary;
using TensorCash.Chain.Primitives;

namespace TensorCash.Chain.Serialization;

/// <summary>Bitcoin's wire encoding: little-endian integers, CompactSize lengths, length-prefixed byte strings.</summary>
public sealed class ChainWriter
{
    private byte[] _buffer;
    private int _length;

    public ChainWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => Written.ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public ChainWriter U8(byte value) { Reserve(1)[0] = value; return this; }
    public ChainWriter U16(ushort value) { BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value); return this; }
    public ChainWriter U32(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value); return this; }
    public ChainWriter I32(int value) { BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value); return this; }
    public ChainWriter U64(ulong value) { BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value); return this; }
    public ChainWriter I64(long value) { BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value); return this; }
    public ChainWriter Raw(ReadOnlySpan<byte> bytes) { bytes.CopyTo(Reserve(bytes.Length)); return this; }
    public ChainWriter Hash(Hash256 hash) { hash.WriteTo(Reserve(Hash256.Size)); return this; }

    /// <summary>CompactSize: 1, 3, 5 or 9 bytes, always the shortest form.</summary>
    public ChainWriter CompactSize(ulong value)
    {
        if (value < 0xFD) return U8((byte)value);
        if (value <= 0xFFFF) return U8(0xFD).U16((ushort)value);
        if (value <= 0xFFFF_FFFF) return U8(0xFE).U32((uint)value);
        return U8(0xFF).U64(value);
    }

    /// <summary>The bytes <see cref="CompactSize"/> writes for <paramref name="value"/>.</summary>
    public static int CompactSizeLength(ulong value) => value < 0xFD ? 1 : value <= 0xFFFF ? 3 : value <= 0xFFFF_FFFF ? 5 : 9;

    public ChainWriter VarBytes(ReadOnlySpan<byte> bytes) => CompactSize((ulong)bytes.Length).Raw(bytes);
}
