using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>How many bytes a tensor of each element type occupies.</summary>
public static class DTypeSizes
{
    /// <summary>Q8_0 packs 32 weights per block: one f16 scale followed by 32 int8 values.</summary>
    public const int Q8BlockElements = 32;
    public const int Q8BlockBytes = 34;

    /// <summary>Bytes for <paramref name="elements"/> values laid out as rows of <paramref name="rowLength"/>; null when the
    /// layout is impossible (Q8_0 rows must be whole blocks).</summary>
    public static long? ByteCount(TensorDType dtype, long elements, long rowLength) => dtype switch
    {
        TensorDType.F32 => checked(elements * 4),
        TensorDType.F16 or TensorDType.BF16 => checked(elements * 2),
        TensorDType.Q8_0 => rowLength % Q8BlockElements == 0 ? checked(elements / Q8BlockElements * Q8BlockBytes) : null,
        _ => null,
    };
}
