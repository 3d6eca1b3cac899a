using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The dtype bytes of a model commitment (the engine's: docs/protocol/registry.md §1), and how many bytes 32 weights
/// take in each: the cost audit streams weights, and a registration's weight dtype must be one the engine runs.
/// </summary>
public static class WeightDTypes
{
    public const byte F32 = TensorLeaf.F32;
    public const byte F16 = TensorLeaf.F16;
    public const byte BF16 = TensorLeaf.BF16;
    /// <summary>Blocks of 32 int8 weights with one F16 scale: 34 bytes per 32 weights.</summary>
    public const byte Q8_0 = TensorLeaf.Q8_0;

    public static bool IsDefined(byte dtype) => dtype <= Q8_0;

    /// <summary>Bytes of 32 weights in <paramref name="dtype"/> (integer, so Q8_0's 34/32 stays exact); -1 for an unknown dtype.</summary>
    public static int BytesPer32Weights(byte dtype) => dtype switch
    {
        F32 => 128,
        F16 or BF16 => 64,
        Q8_0 => 34,
        _ => -1,
    };

    public static string Name(byte dtype) => dtype switch
    {
        F32 => "F32",
        F16 => "F16",
        BF16 => "BF16",
        Q8_0 => "Q8_0",
        _ => $"dtype {dtype}",
    };
}
