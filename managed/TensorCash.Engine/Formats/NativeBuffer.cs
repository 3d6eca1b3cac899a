using System.Runtime.InteropServices;

namespace TensorCash.Engine.Formats;

/// <summary>
/// Unmanaged, 64-byte aligned memory a loader owns: tensors it had to materialise (un-permuted GGUF Q/K
/// rows, in-memory random models). Lives outside the GC heap so native code can keep raw pointers to it.
/// </summary>
public sealed unsafe class NativeBuffer : IDisposable
{
    private const nuint Alignment = 64;

    public byte* Pointer { get; private set; }
    public long Length { get; }

    public NativeBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        // Zero-length requests still get a valid pointer so views never hold NULL for a present tensor.
        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), Alignment);
    }

    public Span<byte> Span => Length <= int.MaxValue
        ? new Span<byte>(Pointer, (int)Length)
        : throw new InvalidOperationException("buffer larger than 2 GiB; address it by pointer");

    public void Dispose()
    {
        if (Pointer == null) return;
        NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }
}
