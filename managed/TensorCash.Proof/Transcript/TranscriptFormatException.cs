using TensorCash.Proof.Verification;

namespace TensorCash.Proof.Transcript;

/// <summary>
/// Transcript bytes the codec refuses. <see cref="Reason"/> is MalformedEncoding (truncated, bad magic or version,
/// oversized field, trailing bytes) or NonCanonicalEncoding (a second byte form of a valid transcript), or the
/// semantic reason when the bytes are well-formed but a value is invalid where it is read (ParameterOutOfRange,
/// EvidenceInvalid). The message names the field and its offset.
/// </summary>
public sealed class TranscriptFormatException(RejectReason reason, string message) : Exception(message)
{
    public RejectReason Reason { get; } = reason;
}
