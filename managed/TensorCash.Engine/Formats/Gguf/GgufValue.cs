namespace TensorCash.Engine.Formats.Gguf;

/// <summary>GGUF metadata value types (numeric values are the on-disk codes).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>
/// One metadata value. <see cref="Value"/> holds the CLR type matching <see cref="Type"/> (byte, sbyte,
/// ushort, short, uint, int, float, bool, string, ulong, long, double) or a <see cref="GgufArray"/>.
/// </summary>
public sealed record GgufValue(GgufValueType Type, object Value)
{
    public static GgufValue Of(string s) => new(GgufValueType.String, s);
    public static GgufValue Of(uint v) => new(GgufValueType.UInt32, v);
    public static GgufValue Of(int v) => new(GgufValueType.Int32, v);
    public static GgufValue Of(float v) => new(GgufValueType.Float32, v);
    public static GgufValue Of(bool v) => new(GgufValueType.Bool, v);
    public static GgufValue Array(GgufValueType elementType, IEnumerable<object> items) =>
        new(GgufValueType.Array, new GgufArray(elementType, items.ToArray()));

    /// <summary>Any integer type widened to long, or null for non-integers (GGUF writers disagree on widths).</summary>
    public long? AsInteger() => Value switch
    {
        byte v => v, sbyte v => v, ushort v => v, short v => v, uint v => v, int v => v, long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => null,
    };

    public double? AsReal() => Value switch { float v => v, double v => v, _ => AsInteger() };

    public override string ToString() => Value is string s ? $"\"{s}\"" : Value.ToString() ?? "";
}

/// <summary>A metadata array: element type plus items of the matching CLR type (nested arrays are <see cref="GgufArray"/>).</summary>
public sealed record GgufArray(GgufValueType ElementType, object[] Items)
{
    public bool Equals(GgufArray? other) =>
        other is not null && ElementType == other.ElementType && Items.Length == other.Items.Length
        && Items.Zip(other.Items).All(p => Equals(p.First, p.Second));

    public override int GetHashCode() => HashCode.Combine(ElementType, Items.Length);

    public override string ToString() => $"{ElementType}[{Items.Length}]";
}
