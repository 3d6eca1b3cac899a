using TensorCash.Chain.Consensus;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>
/// Checks a fraud proof against a registered model's commitment (docs/protocol/registry.md §4): the descriptor,
/// weight dtype and tensor root of its registration. Needs no weights. Bounded cost: at most two Merkle paths of 32
/// nodes, one pass over the expected tensor list, and for a zero-tensor proof TensorDataHash.OfZeros of at most
/// <see cref="ModelFraudProof.MaxLeafByteLength"/> bytes (2^20 hashes of 32 bytes).
/// </summary>
public static class FraudProofVerifier
{
    /// <summary>
    /// Null when the proof holds (the model is fraudulent); otherwise "bad-challenge-proof" naming the check that
    /// failed, or "bad-challenge-model" if <paramref name="entry"/> is not the registered model the proof names.
    /// </summary>
    public static RuleViolation? Verify(ModelFraudProof proof, RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Registration is not { } registration || entry.ModelId != proof.ModelId)
            return new(RegistryReasons.ChallengeModel, $"the proof names model {proof.ModelId}, which is not the registered entry {entry.ModelId}");
        // Decoded leaves are valid already; a proof built in memory may not be, and hashing an invalid leaf throws.
        foreach (var inclusion in proof.Other is { } second ? [proof.Tensor, second] : new[] { proof.Tensor })
        {
            try
            {
                inclusion.Leaf.Validate();
            }
            catch (ProofInputException e)
            {
                return Fails(proof, $"leaf {inclusion.Leaf.Role} is not a valid tensor leaf: {e.Message}");
            }
        }
        var expected = registration.Descriptor.ExpectedTensors();
        byte[] root = registration.TensorRoot.ToArray();

        switch (proof.Kind)
        {
            case FraudKind.ZeroTensor:
            {
                var leaf = proof.Tensor.Leaf;
                if (!Included(proof.Tensor, expected.Count, root))
                    return Fails(proof, $"leaf {leaf.Role} at index {proof.Tensor.Index} is not in the tensor root (a tree of {expected.Count} tensors)");
                if (leaf.IsBias) return Fails(proof, $"{leaf.Role} is a bias; a zero bias is legitimate");
                if (leaf.ByteLength is < 1 or > ModelFraudProof.MaxLeafByteLength)
                    return Fails(proof, $"{leaf.Role} claims {leaf.ByteLength} bytes; at most {ModelFraudProof.MaxLeafByteLength}");
                if (!leaf.DataHash.AsSpan().SequenceEqual(TensorDataHash.OfZeros(leaf.ByteLength)))
                    return Fails(proof, $"{leaf.Role}'s data hash is not that of {leaf.ByteLength} zero bytes");
                return null;
            }
            case FraudKind.DuplicateTensor:
            {
                if (proof.Other is not { } other) return Fails(proof, "a duplicate-tensor proof needs two tensors");
                TensorLeaf a = proof.Tensor.Leaf, b = other.Leaf;
                if (proof.Tensor.Index == other.Index) return Fails(proof, $"both tensors are index {other.Index}");
                if (!Included(proof.Tensor, expected.Count, root))
                    return Fails(proof, $"leaf {a.Role} at index {proof.Tensor.Index} is not in the tensor root");
                if (!Included(other, expected.Count, root))
                    return Fails(proof, $"leaf {b.Role} at index {other.Index} is not in the tensor root");
                if (a.RoleSuffix != b.RoleSuffix) return Fails(proof, $"roles {a.Role} and {b.Role} are different kinds of tensor");
                if (a.Shape.Length != 2 || b.Shape.Length != 2) return Fails(proof, $"{a.Role} and {b.Role} are not both matrices");
                if (!a.Shape.AsSpan().SequenceEqual(b.Shape)) return Fails(proof, $"{a.Role} and {b.Role} have different shapes");
                if (!a.DataHash.AsSpan().SequenceEqual(b.DataHash)) return Fails(proof, $"{a.Role} and {b.Role} have different data");
                return null;
            }
            case FraudKind.Layout:
            {
                var leaf = proof.Tensor.Leaf;
                int index = proof.Tensor.Index;
                if (proof.LeafCount < 1 || !Included(proof.Tensor, proof.LeafCount, root))
                    return Fails(proof, $"leaf {leaf.Role} at index {index} is not in the tensor root as a tree of {proof.LeafCount} tensors");
                if (proof.LeafCount != expected.Count) return null; // the committed list has the wrong number of tensors
                if (LayoutMismatch(leaf, expected[index], registration.WeightDType) is not null) return null;
                return Fails(proof, $"leaf {leaf.Role} at index {index} is exactly the layout's tensor there");
            }
            default:
                return Fails(proof, $"fraud kind {(byte)proof.Kind} is not defined");
        }
    }

    /// <summary>
    /// Why <paramref name="leaf"/> is not the expected tensor, or null if it is: the same role and shape, a dtype the
    /// registration allows there (its weight dtype for a matrix; F32 or the weight dtype for a vector), and the byte
    /// length that dtype gives the shape.
    /// </summary>
    public static string? LayoutMismatch(TensorLeaf leaf, ExpectedTensor expected, byte weightDType)
    {
        if (leaf.Role != expected.Role) return $"role {leaf.Role}, expected {expected.Role}";
        if (!leaf.Shape.AsSpan().SequenceEqual(expected.Shape)) return $"{leaf.Role} has shape [{string.Join(", ", leaf.Shape)}], expected [{string.Join(", ", expected.Shape)}]";
        bool dtypeAllowed = leaf.DType == weightDType || (expected.Shape.Length == 1 && leaf.DType == WeightDTypes.F32);
        if (!dtypeAllowed) return $"{leaf.Role} is {WeightDTypes.Name(leaf.DType)}; the registration allows {WeightDTypes.Name(weightDType)}";
        long byteLength = TensorLeaf.ByteLengthFor(leaf.DType, expected.Shape);
        if (byteLength < 0 || leaf.ByteLength != byteLength) return $"{leaf.Role} claims {leaf.ByteLength} bytes; its dtype and shape give {byteLength}";
        return null;
    }

    private static bool Included(TensorInclusion inclusion, int count, byte[] root)
    {
        if (inclusion.Index < 0 || inclusion.Index >= count) return false;
        var computed = TensorMerkleTree.RootFromPath(inclusion.Leaf.Hash(), inclusion.Index, count, inclusion.Path);
        return computed is not null && computed.AsSpan().SequenceEqual(root);
    }

    private static RuleViolation Fails(ModelFraudProof proof, string message) =>
        new(RegistryReasons.ChallengeProof, $"{proof.Kind} proof against model {proof.ModelId}: {message}");
}
