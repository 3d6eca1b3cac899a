namespace TensorCash.Chain.Vdf;

/// <summary>Why VDF evidence was refused; the chain maps each to a reason code ("bad-vdf-…", docs/protocol/vdf.md).</summary>
public enum VdfRejectReason
{
    /// <summary>Wrong length, a bad sign byte, negative zero, a = 0.</summary>
    Encoding,
    /// <summary>The form belongs to another discriminant.</summary>
    Discriminant,
    /// <summary>The form is not the reduced representative of its class.</summary>
    NotReduced,
    /// <summary>π^ℓ · g^(2^T mod ℓ) ≠ y.</summary>
    Proof,
}

public sealed record VdfRejection(VdfRejectReason Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
