using System.Buffers.Binary;
using System.Text;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// Parses a GGUF header (v2/v3): magic, version, metadata key/values and tensor infos. Every count and
/// length is checked against the named DoS limits and against the bytes actually left in the file
/// before anything is allocated, so a hostile header cannot make the reader allocate or loop unboundedly.
/// </summary>
public sealed unsafe class GgufReader
{
    public const uint Magic = 0x46554747; // "GGUF" little-endian
    public const uint DefaultAlignment = 32;
    /// <summary>DoS limits (real files: a few hundred to a few thousand tensors, a few dozen keys).</summary>
    public const ulong MaxTensorCount = 1_000_000;
    public const ulong MaxMetadataCount = 1_000_000;
    public const ulong MaxStringBytes = 16 * 1024 * 1024;
    public const ulong MaxArrayElements = 64 * 1024 * 1024;
    public const int MaxArrayNesting = 4;
    public const uint MaxDims = 4; // GGML_MAX_DIMS

    private readonly MappedFile _file;
    private long _pos;

    private GgufReader(MappedFile file) => _file = file;

    public sealed record Header(uint Version, IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata,
        IReadOnlyList<GgufTensorInfo> Tensors, uint Alignment, long DataStart);

    public static Header Read(MappedFile file) => new GgufReader(file).ReadHeader();

    private ModelFormatException Bad(string problem, string? tensor = null) => new(_file.Path, tensor, problem);

    private Header ReadHeader()
    {
        if (_file.Length < 4 || ReadU32() != Magic) throw Bad("bad magic: not a GGUF file");
        uint version = ReadU32();
        if (version is not (2 or 3)) throw Bad($"unsupported GGUF version {version} (supported: 2, 3)");
        ulong tensorCount = ReadU64(), kvCount = ReadU64();
        if (tensorCount > MaxTensorCount) throw Bad($"tensor count {tensorCount} exceeds the limit of {MaxTensorCount}");
        if (kvCount > MaxMetadataCount) throw Bad($"metadata count {kvCount} exceeds the limit of {MaxMetadataCount}");

        var metadata = new List<KeyValuePair<string, GgufValue>>();
        var seen = new HashSet<string>();
        for (ulong i = 0; i < kvCount; i++)
        {
            string key = ReadString();
            if (!seen.Add(key)) throw Bad($"metadata key '{key}' appears twice");
            var type = (GgufValueType)ReadU32();
            metadata.Add(new(key, ReadValue(type, key, 0)));
        }

        uint alignment = DefaultAlignment;
        if (metadata.FirstOrDefault(kv => kv.Key == "general.alignment").Value is { } a)
        {
            long? n = a.AsInteger();
            if (n is not (> 0 and <= 1 << 20) || (n & (n - 1)) != 0) throw Bad($"metadata 'general.alignment' must be a power of two, found {a}");
            alignment = (uint)n.Value;
        }

        var tensors = new List<GgufTensorInfo>();
        var names = new HashSet<string>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            string name = ReadString();
            if (!names.Add(name)) throw Bad("tensor appears twice", name);
            uint nDims = ReadU32();
            if (nDims is 0 or > MaxDims) throw Bad($"{nDims} dimensions (must be 1..{MaxDims})", name);
            var dims = new ulong[nDims];
            for (int d = 0; d < nDims; d++) dims[d] = ReadU64();
            uint type = ReadU32();
            ulong offset = ReadU64();
            if (offset % alignment != 0) throw Bad($"data offset {offset} is not a multiple of the alignment {alignment}", name);
            tensors.Add(new GgufTensorInfo(name, dims, type, offset));
        }

        long dataStart = (_pos + alignment - 1) / alignment * alignment;
        if (tensorCount > 0 && dataStart > _file.Length) throw Bad("file ends before the tensor data section (truncated?)");
        return new Header(version, metadata, tensors, alignment, dataStart);
    }

    private GgufValue ReadValue(GgufValueType type, string key, int depth) => type switch
    {
        GgufValueType.UInt8 => new(type, Bytes(1)[0]),
        GgufValueType.Int8 => new(type, (sbyte)Bytes(1)[0]),
        GgufValueType.UInt16 => new(type, BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))),
        GgufValueType.Int16 => new(type, BinaryPrimitives.ReadInt16LittleEndian(Bytes(2))),
        GgufValueType.UInt32 => new(type, ReadU32()),
        GgufValueType.Int32 => new(type, BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))),
        GgufValueType.Float32 => new(type, BinaryPrimitives.ReadSingleLittleEndian(Bytes(4))),
        GgufValueType.Bool => Bytes(1)[0] switch
        {
            0 => new(type, false),
            1 => new(type, true),
            var b => throw Bad($"metadata '{key}': bool byte {b} is neither 0 nor 1"),
        },
        GgufValueType.String => new(type, ReadString()),
        GgufValueType.UInt64 => new(type, ReadU64()),
        GgufValueType.Int64 => new(type, BinaryPrimitives.ReadInt64LittleEndian(Bytes(8))),
        GgufValueType.Float64 => new(type, BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8))),
        GgufValueType.Array => new(type, ReadArray(key, depth)),
        _ => throw Bad($"metadata '{key}': unknown value type {(uint)type}"),
    };

    private GgufArray ReadArray(string key, int depth)
    {
        if (depth >= MaxArrayNesting) throw Bad($"metadata '{key}': arrays nested deeper than {MaxArrayNesting}");
        var elementType = (GgufValueType)ReadU32();
        ulong count = ReadU64();
        if (count > MaxArrayElements) throw Bad($"metadata '{key}': array of {count} elements exceeds the limit of {MaxArrayElements}");
        // Every element takes at least one byte, so a count beyond the bytes left is a lie; reject before allocating.
        if (count > (ulong)(_file.Length - _pos)) throw Bad($"metadata '{key}': array of {count} elements runs past the end of the file (truncated?)");
        var items = new object[count];
        for (ulong i = 0; i < count; i++) items[i] = ReadValue(elementType, key, depth + 1).Value;
        return new GgufArray(elementType, items);
    }

    private ReadOnlySpan<byte> Bytes(int count)
    {
        if (_pos + count > _file.Length) throw Bad($"unexpected end of file at offset {_pos} while reading the header (truncated?)");
        var span = new ReadOnlySpan<byte>(_file.Base + _pos, count);
        _pos += count;
        return span;
    }

    private uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
    private ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

    private string ReadString()
    {
        ulong length = ReadU64();
        if (length > MaxStringBytes) throw Bad($"string of {length} bytes at offset {_pos - 8} exceeds the limit of {MaxStringBytes}");
        return Encoding.UTF8.GetString(Bytes((int)length));
    }
}
