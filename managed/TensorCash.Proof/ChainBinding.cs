namespace TensorCash.Proof;

/// <summary>
/// The chain state every draw is bound to: B (block-header prefix or equivalent, 32..80 bytes), the VDF output v
/// (32 bytes) and the VDF tick T. Until the VDF exists v and T are explicit inputs.
/// </summary>
public sealed class ChainBinding
{
    public const int MinBindingBytes = 32;
    public const int MaxBindingBytes = 80;
    public const int VdfOutputBytes = 32;

    public byte[] HeaderBinding { get; }
    public byte[] VdfOutput { get; }
    public ulong VdfTick { get; }

    public ChainBinding(ReadOnlySpan<byte> headerBinding, ReadOnlySpan<byte> vdfOutput, ulong vdfTick)
    {
        if (headerBinding.Length is < MinBindingBytes or > MaxBindingBytes)
            throw new ProofInputException($"chain binding B is {headerBinding.Length} bytes; it must be {MinBindingBytes}..{MaxBindingBytes}");
        if (vdfOutput.Length != VdfOutputBytes)
            throw new ProofInputException($"VDF output v is {vdfOutput.Length} bytes; it must be {VdfOutputBytes}");
        HeaderBinding = headerBinding.ToArray();
        VdfOutput = vdfOutput.ToArray();
        VdfTick = vdfTick;
    }

    internal HashInput AppendTo(HashInput input) => input.ShortField(HeaderBinding).Raw(VdfOutput).U64(VdfTick);
}
