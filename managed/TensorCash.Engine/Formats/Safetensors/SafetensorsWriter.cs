using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Safetensors;

/// <summary>
/// Writes a Hugging Face model directory (config.json + model.safetensors, or numbered shards plus
/// model.safetensors.index.json) from fp32 values, rounding to the requested element type.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(ModelTensors model, string directory, TensorDType dtype, int shardCount = 1)
    {
        if (dtype is not (TensorDType.F32 or TensorDType.F16 or TensorDType.BF16))
            throw new ArgumentException($"safetensors stores F32, F16 or BF16, not {dtype}", nameof(dtype));
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        Directory.CreateDirectory(directory);
        HfConfigWriter.Write(model.Config, directory, dtype);

        var tensors = model.Tensors;
        if (shardCount == 1)
        {
            WriteFile(Path.Combine(directory, SafetensorsModelLoader.SingleFileName), tensors, dtype);
            return;
        }
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int shard = 0; shard < shardCount; shard++)
        {
            string name = $"model-{shard + 1:D5}-of-{shardCount:D5}.safetensors";
            var part = tensors.Where((_, i) => (long)i * shardCount / tensors.Count == shard).ToList();
            WriteFile(Path.Combine(directory, name), part, dtype);
            foreach (var t in part) weightMap[t.Name] = name;
        }
        WriteIndex(Path.Combine(directory, SafetensorsModelLoader.IndexFileName), weightMap);
    }

    /// <summary>Writes one .safetensors file holding <paramref name="tensors"/> in order.</summary>
    public static void WriteFile(string path, IReadOnlyList<NamedTensor> tensors, TensorDType dtype)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            long offset = 0;
            foreach (var t in tensors)
            {
                long size = DTypeSizes.ByteCount(dtype, t.ElementCount, t.RowLength)!.Value;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", dtype.ToString());
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        foreach (var t in tensors)
        {
            var values = t.Values();
            if (values.LongLength != t.ElementCount)
                throw new ArgumentException($"tensor '{t.Name}' has {values.LongLength} values but shape [{string.Join(", ", t.Shape)}]");
            file.Write(WeightEncoding.Encode(values, dtype, t.RowLength));
        }
    }

    private static void WriteIndex(string path, SortedDictionary<string, string> weightMap)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        json.WriteStartObject("weight_map");
        foreach (var (tensor, file) in weightMap) json.WriteString(tensor, file);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
