using System.Buffers.Binary;
using System.Text.Json;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Safetensors;

/// <summary>
/// One memory-mapped .safetensors file: an 8-byte little-endian header length, a JSON header mapping
/// tensor names to {dtype, shape, data_offsets}, then the raw tensor bytes.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>DoS limit: a header larger than this is rejected before it is parsed (real ones are well under 1 MB).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private sealed record Entry(string DType, long[] Shape, long Begin, long End);

    private readonly MappedFile _file;
    private readonly Dictionary<string, Entry> _entries;
    private readonly long _dataStart;

    public string Path => _file.Path;
    public IEnumerable<string> TensorNames => _entries.Keys;

    private SafetensorsFile(MappedFile file, Dictionary<string, Entry> entries, long dataStart)
    {
        _file = file;
        _entries = entries;
        _dataStart = dataStart;
    }

    public static SafetensorsFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            if (file.Length < 8) throw new ModelFormatException(path, null, $"file is {file.Length} bytes, too short for the 8-byte header length (truncated?)");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Span(0, 8));
            if (headerLength > MaxHeaderBytes)
                throw new ModelFormatException(path, null, $"header of {headerLength} bytes exceeds the {MaxHeaderBytes}-byte limit (corrupt or hostile file)");
            if (8 + (long)headerLength > file.Length)
                throw new ModelFormatException(path, null, $"header of {headerLength} bytes runs past the end of the {file.Length}-byte file (truncated?)");
            long dataStart = 8 + (long)headerLength;
            var entries = ParseHeader(path, file.Span(8, (int)headerLength), file.Length - dataStart);
            return new SafetensorsFile(file, entries, dataStart);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>A view into the mapping; null when absent. Throws for element types the engine cannot run.</summary>
    public TensorView? Find(string name)
    {
        if (!_entries.TryGetValue(name, out var e)) return null;
        var dtype = e.DType switch
        {
            "F32" => TensorDType.F32,
            "F16" => TensorDType.F16,
            "BF16" => TensorDType.BF16,
            _ => throw new ModelFormatException(Path, name, $"unsupported dtype {e.DType} (supported: F32, F16, BF16)"),
        };
        return new TensorView(name, dtype, e.Shape, (nint)(_file.Base + _dataStart + e.Begin), e.End - e.Begin);
    }

    private static Dictionary<string, Entry> ParseHeader(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, null, $"header is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(path, null, "header JSON is not an object");
            var entries = new Dictionary<string, Entry>();
            try
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__") continue;
                    entries[property.Name] = ParseEntry(path, property.Name, property.Value, dataLength);
                }
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json checks a string's UTF-8 and escapes only when it is read (found by fuzzing).
                throw new ModelFormatException(path, null, $"header has a name or string that is not valid UTF-8 or escapes an unpaired surrogate ({e.Message})", e);
            }
            CheckNoOverlap(path, entries);
            return entries;
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        ModelFormatException Bad(string problem) => new(path, name, problem);
        if (value.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("header entry has no string 'dtype'");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("header entry has no array 'shape'");
        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw Bad("header entry has no two-element 'data_offsets'");

        var shape = shapeElement.EnumerateArray().Select(d =>
            d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long n) && n >= 0 ? n : throw Bad("shape has a non-integer or negative dimension")).ToArray();
        var offsets = offsetsElement.EnumerateArray().Select(o =>
            o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long n) && n >= 0 ? n : throw Bad("data_offsets has a non-integer or negative value")).ToArray();
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
            throw Bad($"data_offsets [{begin}, {end}] out of range of the {dataLength}-byte data section (truncated or corrupt)");

        string dtype = dtypeElement.GetString()!;
        long elements;
        try
        {
            elements = shape.Aggregate(1L, (a, b) => checked(a * b));
        }
        catch (OverflowException)
        {
            throw Bad("shape element count overflows");
        }
        int? elementSize = dtype switch
        {
            "F64" or "I64" or "U64" => 8,
            "F32" or "I32" or "U32" => 4,
            "F16" or "BF16" or "I16" or "U16" => 2,
            "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
            _ => null,
        };
        if (elementSize is int size && (end - begin) / size != elements | (end - begin) % size != 0)
            throw Bad($"data_offsets span {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {elements * size}");
        return new Entry(dtype, shape, begin, end);
    }

    private static void CheckNoOverlap(string path, Dictionary<string, Entry> entries)
    {
        long previousEnd = 0;
        string? previousName = null;
        foreach (var (name, e) in entries.Where(kv => kv.Value.End > kv.Value.Begin).OrderBy(kv => kv.Value.Begin))
        {
            if (e.Begin < previousEnd)
                throw new ModelFormatException(path, name, $"data_offsets overlap those of tensor '{previousName}' (corrupt header)");
            previousEnd = e.End;
            previousName = name;
        }
    }

    public void Dispose() => _file.Dispose();
}
