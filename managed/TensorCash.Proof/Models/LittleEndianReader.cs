using System.Buffers.Binary;

namespace TensorCash.Proof.Models;

/// <summary>Bounds-checked little-endian reads for the model-commitment encodings; every failure is a <see cref="ProofInputException"/> naming the field.</summary>
internal ref struct LittleEndianReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public int Position { get; private set; }

    public ReadOnlySpan<byte> Bytes(int count, string field)
    {
        if (count < 0 || _bytes.Length - Position < count)
            throw new ProofInputException($"{field}: needs {count} bytes at offset {Position}, {_bytes.Length - Position} left");
        var span = _bytes.Slice(Position, count);
        Position += count;
        return span;
    }

    public byte U8(string field) => Bytes(1, field)[0];
    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, field));
    public int I32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, field));
    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, field));
    public long I64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8, field));

    /// <summary>A boolean byte: exactly 0 or 1 (any other value would give one meaning two encodings).</summary>
    public bool Flag(string field) => U8(field) switch
    {
        0 => false,
        1 => true,
        var b => throw new ProofInputException($"{field}: flag byte {b} is not 0 or 1"),
    };

    public void ExpectEnd(string what)
    {
        if (Position != _bytes.Length) throw new ProofInputException($"{what}: {_bytes.Length - Position} unexpected bytes after offset {Position}");
    }
}
