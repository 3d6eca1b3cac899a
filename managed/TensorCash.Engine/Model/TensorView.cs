namespace TensorCash.Engine.Model;

/// <summary>
/// A read-only view of one tensor's bytes, usually inside a memory-mapped checkpoint.
/// Shape is in row-major order, outermost first (HF convention: a Linear weight is [out, in]).
/// The owner of the mapping (a <see cref="ModelWeights"/>) keeps <see cref="Data"/> valid.
/// </summary>
public readonly record struct TensorView(string Name, TensorDType DType, long[] Shape, nint Data, long ByteLength)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public int Rows => Shape.Length == 1 ? 1 : checked((int)Shape[0]);
    public int Cols => checked((int)Shape[^1]);
}
