using TensorCash.Proof;

namespace TensorCash.Toolkit.Attestation;

/// <summary>
/// What an attestation quote pins (paper: "the TEE quote attests not just model_hash but the kernel/runtime version and
/// precision"): the model hash, the kernel/runtime version string (printable ASCII, 1..64 bytes) and the precision.
/// Encoded as model hash (32) || u8 len || kernel version || u8 precision.
/// </summary>
public sealed record Measurement
{
    public const int ModelHashSize = 32;

    public byte[] ModelHash { get; }
    public string KernelVersion { get; }
    public PrecisionTag Precision { get; }

    public Measurement(byte[] modelHash, string kernelVersion, PrecisionTag precision)
    {
        if (modelHash.Length != ModelHashSize) throw new ArgumentException($"a model hash is {ModelHashSize} bytes, not {modelHash.Length}");
        RequireKernelVersion(kernelVersion);
        if (!Enum.IsDefined(precision)) throw new ArgumentException($"precision 0x{(byte)precision:X2} is not one of f32, f16, bf16, q8_0");
        ModelHash = modelHash;
        KernelVersion = kernelVersion;
        Precision = precision;
    }

    public bool Matches(Measurement other) =>
        ModelHash.AsSpan().SequenceEqual(other.ModelHash) && KernelVersion == other.KernelVersion && Precision == other.Precision;

    internal LittleEndianWriter AppendTo(LittleEndianWriter writer) =>
        writer.Bytes(ModelHash).Short(System.Text.Encoding.ASCII.GetBytes(KernelVersion)).U8((byte)Precision);

    internal static Measurement ReadFrom(ToolkitReader reader) =>
        reader.Guard(() => new Measurement(reader.Bytes(ModelHashSize), reader.Ascii(Receipts.ReceiptLimits.MaxKernelVersionBytes), (PrecisionTag)reader.U8()));

    public static void RequireKernelVersion(string kernelVersion)
    {
        if (kernelVersion.Length is 0 or > Receipts.ReceiptLimits.MaxKernelVersionBytes || kernelVersion.Any(c => c is < (char)0x20 or > (char)0x7E))
            throw new ArgumentException($"kernel version \"{kernelVersion}\" must be 1..{Receipts.ReceiptLimits.MaxKernelVersionBytes} printable ASCII characters");
    }

    public override string ToString() => $"model {Convert.ToHexStringLower(ModelHash)}, kernel {KernelVersion}, precision {Precision}";
}
