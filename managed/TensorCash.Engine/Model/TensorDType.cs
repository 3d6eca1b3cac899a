namespace TensorCash.Engine.Model;

/// <summary>Weight element types. Numeric values equal the native TC_DTYPE_* constants.</summary>
public enum TensorDType
{
    F32 = 0,
    F16 = 1,
    BF16 = 2,
    Q8_0 = 3,
}
