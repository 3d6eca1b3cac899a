using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Formats.Gguf;

namespace TensorCash.Tests.Formats;

public class GgufMetadataPropertyTests
{
    private static readonly GgufValueType[] Scalars =
    [
        GgufValueType.UInt8, GgufValueType.Int8, GgufValueType.UInt16, GgufValueType.Int16, GgufValueType.UInt32,
        GgufValueType.Int32, GgufValueType.Float32, GgufValueType.Bool, GgufValueType.String, GgufValueType.UInt64,
        GgufValueType.Int64, GgufValueType.Float64,
    ];

    private static Gen<object> ScalarOf(GgufValueType type)
    {
        // Raw random 64-bit patterns cover every value of every width, including NaN payloads and infinities.
        var bits = Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2);
        return type switch
        {
            GgufValueType.UInt8 => bits.Select(b => (object)(byte)b),
            GgufValueType.Int8 => bits.Select(b => (object)(sbyte)b),
            GgufValueType.UInt16 => bits.Select(b => (object)(ushort)b),
            GgufValueType.Int16 => bits.Select(b => (object)(short)b),
            GgufValueType.UInt32 => bits.Select(b => (object)(uint)b),
            GgufValueType.Int32 => bits.Select(b => (object)(int)b),
            GgufValueType.Float32 => bits.Select(b => (object)BitConverter.UInt32BitsToSingle((uint)b)),
            GgufValueType.Bool => bits.Select(b => (object)((b & 1) == 1)),
            GgufValueType.String => Gen.Elements("", "llama", "ĠtokÉn", "日本語", "a b", "<|eos|>", "\0x").ArrayOf().Select(p => (object)string.Concat(p)),
            GgufValueType.UInt64 => bits.Select(b => (object)b),
            GgufValueType.Int64 => bits.Select(b => (object)(long)b),
            GgufValueType.Float64 => bits.Select(b => (object)BitConverter.UInt64BitsToDouble(b)),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    private static Gen<GgufValue> ScalarGen =>
        Gen.Elements(Scalars).SelectMany(t => ScalarOf(t).Select(v => new GgufValue(t, v)));

    /// <summary>Arrays of scalars, and (when depth allows) arrays of such arrays.</summary>
    private static Gen<GgufValue> ArrayGen(int depth)
    {
        var flat = Gen.Elements(Scalars).SelectMany(t => ScalarOf(t).ArrayOf().Select(items => GgufValue.Array(t, items)));
        return depth == 0
            ? flat
            : Gen.Frequency((3, flat), (1, ArrayGen(depth - 1).ArrayOf().Select(items => GgufValue.Array(GgufValueType.Array, items.Select(i => i.Value)))));
    }

    private static readonly Gen<List<KeyValuePair<string, GgufValue>>> MetadataGen =
        Gen.Frequency((3, ScalarGen), (1, ArrayGen(1))).ArrayOf().Select(values => values.Select((v, i) => new KeyValuePair<string, GgufValue>($"test.key_{i}", v)).ToList());

    [Test]
    public void MetadataRoundTripsThroughWriterAndReader()
    {
        string dir = FormatTestSupport.NewTempDir();
        try
        {
            Prop.ForAll(MetadataGen.ToArbitrary(), metadata =>
            {
                string path = Path.Combine(dir, "meta.gguf");
                using (var f = File.Create(path)) GgufFileWriter.Write(f, metadata, []);
                using var read = GgufFile.Open(path);
                return read.MetadataInOrder.SequenceEqual(metadata);
            }).QuickCheckThrowOnFailure();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
