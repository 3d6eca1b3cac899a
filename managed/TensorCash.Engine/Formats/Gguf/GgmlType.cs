using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>ggml tensor type codes as stored in GGUF tensor infos.</summary>
public static class GgmlType
{
    public const uint F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30;

    private static readonly Dictionary<uint, string> KnownNames = new()
    {
        [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1", [6] = "Q5_0", [7] = "Q5_1", [8] = "Q8_0", [9] = "Q8_1",
        [10] = "Q2_K", [11] = "Q3_K", [12] = "Q4_K", [13] = "Q5_K", [14] = "Q6_K", [15] = "Q8_K", [16] = "IQ2_XXS",
        [17] = "IQ2_XS", [18] = "IQ3_XXS", [19] = "IQ1_S", [20] = "IQ4_NL", [21] = "IQ3_S", [22] = "IQ2_S", [23] = "IQ4_XS",
        [24] = "I8", [25] = "I16", [26] = "I32", [27] = "I64", [28] = "F64", [29] = "IQ1_M", [30] = "BF16",
    };

    public static string Name(uint type) => KnownNames.TryGetValue(type, out var n) ? n : $"type {type}";

    public static TensorDType? ToDType(uint type) => type switch
    {
        F32 => TensorDType.F32,
        F16 => TensorDType.F16,
        Q8_0 => TensorDType.Q8_0,
        BF16 => TensorDType.BF16,
        _ => null,
    };

    public static uint FromDType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => F32,
        TensorDType.F16 => F16,
        TensorDType.Q8_0 => Q8_0,
        TensorDType.BF16 => BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
