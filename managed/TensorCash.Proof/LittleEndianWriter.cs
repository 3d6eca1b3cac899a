using System.Buffers.Binary;

namespace TensorCash.Proof;

/// <summary>
/// The byte writer of every canonical encoding (transcripts, replay challenges): fixed-width little-endian
/// integers and u8-length-prefixed short fields, appended in order. Fluent so a layout reads like its spec.
/// </summary>
public sealed class LittleEndianWriter(int initialCapacity = 256)
{
    private byte[] _buffer = new byte[initialCapacity < 16 ? 16 : initialCapacity];
    private int _length;

    public int Length => _length;

    public LittleEndianWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        return this;
    }

    public LittleEndianWriter U8(byte value)
    {
        Grow(1)[0] = value;
        return this;
    }

    public LittleEndianWriter U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);
        return this;
    }

    public LittleEndianWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);
        return this;
    }

    public LittleEndianWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);
        return this;
    }

    /// <summary>A field of at most 255 bytes, preceded by its length as one byte.</summary>
    public LittleEndianWriter Short(ReadOnlySpan<byte> field)
    {
        if (field.Length > byte.MaxValue) throw new ArgumentException($"field of {field.Length} bytes exceeds 255");
        return U8((byte)field.Length).Bytes(field);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2 > _length + count ? _buffer.Length * 2 : _length + count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
