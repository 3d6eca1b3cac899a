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
        CheckNoOverlap();
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
        long size = ByteSize(info, dtype);
        long dataLength = _file.Length - _dataStart;
        if (info.Offset > (ulong)dataLength || size > dataLength - (long)info.Offset) // no offset + size: it can overflow
            throw new ModelFormatException(Path, name, $"data [{info.Offset}, {info.Offset + (ulong)size}) out of range of the {dataLength}-byte data section (truncated?)");
        return new TensorView(name, dtype, info.HfShape, (nint)(_file.Base + _dataStart + (long)info.Offset), size);
    }

    /// <summary>The tensor's size in bytes; every product checked, an overflow is a format error like any other.</summary>
    private long ByteSize(GgufTensorInfo info, TensorDType dtype)
    {
        try
        {
            long elements = info.Dims.Aggregate(1L, (a, d) => checked(a * checked((long)d)));
            return DTypeSizes.ByteCount(dtype, elements, checked((long)info.Dims[0]))
                ?? throw new ModelFormatException(Path, info.Name, $"row length {info.Dims[0]} is not a multiple of the {DTypeSizes.Q8BlockElements}-element Q8_0 block");
        }
        catch (OverflowException)
        {
            throw new ModelFormatException(Path, info.Name, $"shape [{string.Join(", ", info.Dims)}] of {dtype}: element or byte count overflows");
        }
    }

    /// <summary>
    /// No two tensors may share bytes (safetensors refuses it too): a writer bug or a crafted file, and a weight that
    /// aliases another would make two different commitments describe the same memory. Tensors of a dtype this engine
    /// cannot load are skipped (their size is unknown here, and they are never read).
    /// </summary>
    private void CheckNoOverlap()
    {
        var extents = new List<(ulong Begin, ulong End, string Name)>();
        foreach (GgufTensorInfo info in Tensors)
        {
            if (GgmlType.ToDType(info.Type) is not { } dtype) continue;
            long size = ByteSize(info, dtype);
            if (size == 0) continue;
            if (info.Offset > ulong.MaxValue - (ulong)size)
                throw new ModelFormatException(Path, info.Name, $"data offset {info.Offset} + {size} bytes overflows");
            extents.Add((info.Offset, info.Offset + (ulong)size, info.Name));
        }
        extents.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        for (int i = 1; i < extents.Count; i++)
            if (extents[i].Begin < extents[i - 1].End)
                throw new ModelFormatException(Path, extents[i].Name,
                    $"data [{extents[i].Begin}, {extents[i].End}) overlaps that of tensor '{extents[i - 1].Name}' [{extents[i - 1].Begin}, {extents[i - 1].End}) (corrupt header)");
    }

    /// <summary>A tensor's values as fp32 (small tensors only, e.g. rope_freqs).</summary>
    public float[]? ReadFloats(string name) => Find(name) is { } v
        ? WeightEncoding.Decode(new ReadOnlySpan<byte>((void*)v.Data, checked((int)v.ByteLength)), v.DType, v.ElementCount)
        : null;

    public void Dispose() => _file.Dispose();
}
