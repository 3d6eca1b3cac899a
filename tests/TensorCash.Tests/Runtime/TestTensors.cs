using System.Runtime.InteropServices;
using TensorCash.Engine.Model;
using TensorCash.Interop;

namespace TensorCash.Tests.Runtime;

/// <summary>Unmanaged, 64-byte aligned bytes that a TensorView can point at; freed on Dispose.</summary>
public sealed unsafe class NativeBuffer : IDisposable
{
    public nint Pointer { get; private set; }
    public long Length { get; }

    public NativeBuffer(ReadOnlySpan<byte> bytes)
    {
        Length = bytes.Length;
        Pointer = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes.Length), 64);
        bytes.CopyTo(new Span<byte>((void*)Pointer, bytes.Length));
    }

    public void Dispose()
    {
        if (Pointer != 0) NativeMemory.AlignedFree((void*)Pointer);
        Pointer = 0;
    }
}

/// <summary>Encodes float test data into each weight dtype's byte layout and wraps it as tensors.</summary>
public static class TestTensors
{
    public static byte[] Encode(ReadOnlySpan<float> values, TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => MemoryMarshal.AsBytes(values).ToArray(),
        TensorDType.F16 => MemoryMarshal.AsBytes(values.ToArray().Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
        TensorDType.BF16 => MemoryMarshal.AsBytes(values.ToArray().Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray().AsSpan()).ToArray(),
        TensorDType.Q8_0 => EncodeQ8(values),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    // GGUF Q8_0: per 32 values, an f16 scale d = amax/127 followed by round(v/d) as int8.
    private static byte[] EncodeQ8(ReadOnlySpan<float> values)
    {
        if (values.Length % 32 != 0) throw new ArgumentException("Q8_0 needs a multiple of 32 values");
        var bytes = new byte[values.Length / 32 * 34];
        for (int b = 0; b < values.Length / 32; b++)
        {
            ReadOnlySpan<float> block = values.Slice(b * 32, 32);
            float amax = 0;
            foreach (float v in block) amax = Math.Max(amax, Math.Abs(v));
            Half d = (Half)(amax / 127);
            BitConverter.TryWriteBytes(bytes.AsSpan(b * 34, 2), BitConverter.HalfToUInt16Bits(d));
            float inv = (float)d == 0 ? 0 : 1 / (float)d;
            for (int i = 0; i < 32; i++) bytes[b * 34 + 2 + i] = (byte)(sbyte)Math.Clamp(MathF.Round(block[i] * inv), -127, 127);
        }
        return bytes;
    }

    public static TensorView View(string name, NativeBuffer buffer, TensorDType dtype, params long[] shape) =>
        new(name, dtype, shape, buffer.Pointer, buffer.Length);

    public static TcTensor Native(NativeBuffer buffer, TensorDType dtype, int rows, int cols) =>
        new() { Data = buffer.Pointer, DType = (int)dtype, Rows = rows, Cols = cols };
}
