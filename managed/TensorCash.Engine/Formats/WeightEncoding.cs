using System.Buffers.Binary;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>
/// Converts fp32 values to and from the stored element types. Rounding is round-to-nearest-even for
/// F16/BF16 and ggml's reference Q8_0 scheme, so files written here match what PyTorch / llama.cpp write.
/// </summary>
public static class WeightEncoding
{
    public static ushort FloatToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        // Keep NaN a (quiet) NaN: plain rounding could carry a NaN payload into infinity.
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float BFloat16ToFloat(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Encodes row-major values whose innermost dimension is <paramref name="rowLength"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, TensorDType dtype, int rowLength)
    {
        long? size = DTypeSizes.ByteCount(dtype, values.Length, rowLength)
            ?? throw new ArgumentException($"cannot store rows of {rowLength} values as {dtype}");
        var bytes = new byte[size.Value];
        switch (dtype)
        {
            case TensorDType.F32:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                break;
            case TensorDType.F16:
                // .NET's float->Half conversion rounds to nearest even.
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), FloatToBFloat16(values[i]));
                break;
            case TensorDType.Q8_0:
                for (int block = 0; block * DTypeSizes.Q8BlockElements < values.Length; block++)
                    QuantizeQ8Block(values.Slice(block * DTypeSizes.Q8BlockElements, DTypeSizes.Q8BlockElements),
                        bytes.AsSpan(block * DTypeSizes.Q8BlockBytes, DTypeSizes.Q8BlockBytes));
                break;
        }
        return bytes;
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes, TensorDType dtype, long elementCount)
    {
        var values = new float[elementCount];
        switch (dtype)
        {
            case TensorDType.F32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                break;
            case TensorDType.F16:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < values.Length; i++) values[i] = BFloat16ToFloat(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]));
                break;
            case TensorDType.Q8_0:
                for (int i = 0; i < values.Length; i++)
                {
                    var block = bytes.Slice(i / DTypeSizes.Q8BlockElements * DTypeSizes.Q8BlockBytes, DTypeSizes.Q8BlockBytes);
                    float scale = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
                    values[i] = scale * (sbyte)block[2 + i % DTypeSizes.Q8BlockElements];
                }
                break;
        }
        return values;
    }

    /// <summary>ggml's reference quantizer: scale = max|x| / 127 (stored as f16), q = round-half-away(x / scale).</summary>
    private static void QuantizeQ8Block(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0;
        foreach (float v in x) amax = MathF.Max(amax, MathF.Abs(v));
        float scale = amax / 127f;
        float inverse = scale != 0 ? 1f / scale : 0f;
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)scale);
        for (int j = 0; j < x.Length; j++)
            block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * inverse, MidpointRounding.AwayFromZero);
    }
}
