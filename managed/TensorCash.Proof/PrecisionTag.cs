namespace TensorCash.Proof;

/// <summary>
/// The declared numeric precision of the forward pass, one byte in every draw. Values are consensus constants,
/// deliberately independent of the engine's internal dtype numbering; 0 is never valid so a zeroed field is caught.
/// </summary>
public enum PrecisionTag : byte
{
    F32 = 0x01,
    F16 = 0x02,
    BF16 = 0x03,
    Q8_0 = 0x04,
}

internal static class PrecisionTags
{
    public static void Validate(PrecisionTag tag)
    {
        if (!Enum.IsDefined(tag)) throw new ProofInputException($"precision tag 0x{(byte)tag:X2} is not one of f32, f16, bf16, q8_0");
    }
}
