using System.Buffers.Binary;
using System.Text;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>A tensor to write: GGUF name, ggml dims (ne0 first), ggml type and its encoded bytes (produced on demand).</summary>
public sealed record GgufTensorData(string Name, ulong[] Dims, uint Type, long ByteLength, Func<byte[]> Bytes);

/// <summary>Writes the GGUF v3 container: header, metadata, tensor infos, aligned tensor data.</summary>
public static class GgufFileWriter
{
    public static void Write(Stream output, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata,
        IReadOnlyList<GgufTensorData> tensors, uint alignment = GgufReader.DefaultAlignment)
    {
        var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufReader.Magic);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value.Type, value.Value);
        }
        ulong offset = 0;
        foreach (var t in tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Dims.Length);
            foreach (ulong d in t.Dims) w.Write(d);
            w.Write(t.Type);
            w.Write(offset);
            offset = Align(offset + (ulong)t.ByteLength, alignment);
        }
        w.Flush();
        Pad(output, alignment);
        foreach (var t in tensors)
        {
            var bytes = t.Bytes();
            if (bytes.LongLength != t.ByteLength) throw new ArgumentException($"tensor '{t.Name}' produced {bytes.LongLength} bytes, declared {t.ByteLength}");
            output.Write(bytes);
            Pad(output, alignment);
        }
    }

    private static ulong Align(ulong n, uint alignment) => (n + alignment - 1) / alignment * alignment;

    private static void Pad(Stream s, uint alignment)
    {
        long padded = (long)Align((ulong)s.Position, alignment);
        while (s.Position < padded) s.WriteByte(0);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            case GgufValueType.Array:
                var array = (GgufArray)value;
                w.Write((uint)array.ElementType);
                w.Write((ulong)array.Items.Length);
                foreach (var item in array.Items) WriteValue(w, array.ElementType, item);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "unknown GGUF value type");
        }
    }
}
