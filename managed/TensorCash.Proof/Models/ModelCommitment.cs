namespace TensorCash.Proof.Models;

/// <summary>
/// The model id, ModelIdentity V2 (registry.md §1): SHA-256("TSC-MODEL-V2" || u16 len || descriptor || tensorRoot).
/// It commits to the architecture in the clear and to every tensor through a Merkle root, so a registration can be
/// checked against its id without the weights, and a fraud proof can point at one tensor.
/// </summary>
public static class ModelCommitment
{
    public static byte[] ModelId(ReadOnlySpan<byte> descriptorBytes, ReadOnlySpan<byte> tensorRoot)
    {
        if (descriptorBytes.Length > ushort.MaxValue) throw new ProofInputException($"a model descriptor of {descriptorBytes.Length} bytes is too long");
        if (tensorRoot.Length != 32) throw new ProofInputException($"a tensor root is 32 bytes, not {tensorRoot.Length}");
        return new HashInput().Raw(DomainTags.ModelV2).U16((ushort)descriptorBytes.Length).Raw(descriptorBytes).Raw(tensorRoot).Sha256();
    }
}
