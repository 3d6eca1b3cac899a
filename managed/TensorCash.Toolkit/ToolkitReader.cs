using System.Buffers.Binary;

namespace TensorCash.Toolkit;

/// <summary>Thrown when bytes are not a canonical toolkit encoding; the message says which field and why.</summary>
public sealed class ToolkitFormatException(string message) : Exception(message);

/// <summary>
/// Reads the toolkit's canonical encodings (little-endian integers, length-prefixed fields) with every length checked
/// against the bytes left and a stated maximum before anything is allocated.
/// </summary>
internal sealed class ToolkitReader(byte[] bytes, string what)
{
    private int _offset;

    public int Remaining => bytes.Length - _offset;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public byte[] Bytes(int count) => Take(count).ToArray();

    /// <summary>A u8-length-prefixed field of at most <paramref name="max"/> bytes.</summary>
    public byte[] Short(int max)
    {
        int length = U8();
        if (length > max) throw Fail($"a field of {length} bytes exceeds its limit of {max}");
        return Bytes(length);
    }

    /// <summary>A u16-length-prefixed field of at most <paramref name="max"/> bytes.</summary>
    public byte[] Medium(int max)
    {
        int length = U16();
        if (length > max) throw Fail($"a field of {length} bytes exceeds its limit of {max}");
        return Bytes(length);
    }

    /// <summary>A short field of printable ASCII (0x20..0x7E), checked on the bytes so that decoding stays canonical.</summary>
    public string Ascii(int max)
    {
        var field = Short(max);
        if (field.Any(b => b is < 0x20 or > 0x7E)) throw Fail("a text field holds a byte outside printable ASCII");
        return System.Text.Encoding.ASCII.GetString(field);
    }

    /// <summary>A u8 count then that many 32-byte hashes, at most <paramref name="max"/>.</summary>
    public List<byte[]> HashList(int max)
    {
        int count = U8();
        if (count > max) throw Fail($"a path of {count} nodes exceeds its limit of {max}");
        var list = new List<byte[]>(count);
        for (int i = 0; i < count; i++) list.Add(Bytes(32));
        return list;
    }

    public void End()
    {
        if (Remaining != 0) throw Fail($"{Remaining} bytes follow the end");
    }

    /// <summary>Runs a constructor that validates its arguments and reports its complaint as a format error.</summary>
    public T Guard<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw Fail(e.Message);
        }
    }

    public ToolkitFormatException Fail(string message) => new($"{what}: {message} (at byte {_offset})");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw Fail($"needs {count} more bytes, {Remaining} left");
        var span = bytes.AsSpan(_offset, count);
        _offset += count;
        return span;
    }
}
