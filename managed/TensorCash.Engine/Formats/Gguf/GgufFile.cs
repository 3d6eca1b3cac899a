using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>A memory-mapped GGUF file: its metadata and views of its tensors (in the file's own row order).</summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, GgufTensorInfo> _tensors;

    public string Path => _file.Path;
    public uint Version { get; }
    public uint Alignment { get; }
    public IReadOnlyList<KeyValuePair<string, GgufValue>> MetadataInOrder { get; }
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }
    private readonly long _dataStart;

    private GgufFile(MappedFile file, GgufReader.Header header)
    {
        _file = file;
        Version = header.Version;
        Alignment = header.Alignment;
        MetadataInOrder = header.Metadata;
        Metadata = header.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        Tensors = header.Tensors;
        _tensors = header.Tensors.ToDictionary(t => t.Name);
        _dataStart = header.DataStart;
    }

    public static GgufFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return new GgufFile(file, GgufReader.Read(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>A view into the mapping, shape in HF order (outermost first); null when absent.</summary>
    public TensorView? Find(string name)
    {
        if (!_tensors.TryGetValue(name, out var info)) return null;
        var dtype = GgmlType.ToDType(info.Type)
            ?? throw new ModelFormatException(Path, name, $"unsupported dtype {GgmlType.Name(info.Type)} (supported: F32, F16, BF16, Q8_0)");
        // The dims are the file's u64s: a count or byte size that does not fit a long is a corrupt header (checked
        // arithmetic throughout, so a dimension above long.MaxValue cannot turn into a negative size).
        long elements, size;
        try
        {
            elements = checked((long)info.Dims.Aggregate(1UL, (a, d) => checked(a * d)));
            size = DTypeSizes.ByteCount(dtype, elements, (long)info.Dims[0])
                ?? throw new ModelFormatException(Path, name, $"row length {info.Dims[0]} is not a multiple of the {DTypeSizes.Q8BlockElements}-element Q8_0 block");
        }
        catch (OverflowException)
        {
            throw new ModelFormatException(Path, name, $"shape [{string.Join(", ", info.Dims)}] of {GgmlType.Name(info.Type)} overflows a 64-bit element or byte count");
        }
        long dataLength = _file.Length - _dataStart;
        if (info.Offset > (ulong)dataLength || size > dataLength - (long)info.Offset) // no offset + size: it can overflow
            throw new ModelFormatException(Path, name, $"data [{info.Offset}, {info.Offset + (ulong)size}) out of range of the {dataLength}-byte data section (truncated?)");
        return new TensorView(name, dtype, info.HfShape, (nint)(_file.Base + _dataStart + (long)info.Offset), size);
    }

    /// <summary>A tensor's values as fp32 (small tensors only, e.g. rope_freqs).</summary>
    public float[]? ReadFloats(string name) => Find(name) is { } v
        ? WeightEncoding.Decode(new ReadOnlySpan<byte>((void*)v.Data, checked((int)v.ByteLength)), v.DType, v.ElementCount)
        : null;

    public void Dispose() => _file.Dispose();
}
