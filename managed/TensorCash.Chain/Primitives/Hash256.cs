using System.Buffers.Binary;
using System.Numerics;

namespace TensorCash.Chain.Primitives;

/// <summary>
/// A 256-bit hash (txid, block hash, Merkle root, model id) held in its serialized byte order. Like Bitcoin, it is
/// displayed byte-reversed (ToString/Parse), and compared with targets as a little-endian unsigned integer.
/// A value type so it can key dictionaries and UTXO maps without allocation.
/// </summary>
public readonly struct Hash256 : IEquatable<Hash256>
{
    public const int Size = 32;
    private readonly ulong _a, _b, _c, _d; // bytes 0..7, 8..15, 16..23, 24..31, little-endian

    public static readonly Hash256 Zero = default;

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a 256-bit hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>The hash read as a little-endian unsigned 256-bit integer (how targets compare it).</summary>
    public BigInteger ToBigInteger() => new(ToArray(), isUnsigned: true, isBigEndian: false);

    /// <summary>Bitcoin's display form: the bytes reversed, lower-case hex.</summary>
    public override string ToString()
    {
        var bytes = ToArray();
        Array.Reverse(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>Parses the display form (64 hex digits, byte-reversed).</summary>
    public static Hash256 Parse(string hex)
    {
        if (!TryParse(hex, out var hash)) throw new FormatException($"'{hex}' is not a 256-bit hash (64 hex digits)");
        return hash;
    }

    public static bool TryParse(string? hex, out Hash256 hash)
    {
        hash = default;
        if (hex is null || hex.Length != 2 * Size) return false;
        byte[] bytes;
        try { bytes = Convert.FromHexString(hex); }
        catch (FormatException) { return false; }
        Array.Reverse(bytes);
        hash = new Hash256(bytes);
        return true;
    }

    public bool Equals(Hash256 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);
    public static bool operator ==(Hash256 left, Hash256 right) => left.Equals(right);
    public static bool operator !=(Hash256 left, Hash256 right) => !left.Equals(right);
}
