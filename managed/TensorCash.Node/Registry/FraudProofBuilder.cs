using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Proof.Models;
using TensorCash.Proving;
using TensorCash.Proving.Audit;

namespace TensorCash.Node.Registry;

/// <summary>
/// A model-fraud proof (registry.md §4) from the weight audit of a model this node holds: the first failing finding
/// consensus can check without the weights (a zero tensor, or two equal tensors of one role), as leaves with their
/// Merkle paths to the registered tensor root. Everything else the audit finds (rank, dead layers, probes) is not
/// provable on chain; miners act on it by withholding support.
/// </summary>
public static class FraudProofBuilder
{
    /// <summary>A proof for <paramref name="report"/>'s first provable failure, or null when it has none.</summary>
    public static ModelFraudProof? FromAudit(ModelIdentity identity, AuditReport report)
    {
        var leafHashes = identity.Leaves.Select(l => l.Hash()).ToList();
        var id = new Hash256(identity.Id);
        foreach (var finding in report.Failures)
        {
            var indices = finding.TensorIndices;
            if (finding.Check == AuditCheck.ZeroTensor && indices.Count >= 1 && !identity.Leaves[indices[0]].IsBias)
                return new ModelFraudProof(id, FraudKind.ZeroTensor, Inclusion(identity, leafHashes, indices[0]), null, leafHashes.Count);
            if (finding.Check == AuditCheck.DuplicateTensor && indices.Count >= 2)
                return new ModelFraudProof(id, FraudKind.DuplicateTensor, Inclusion(identity, leafHashes, indices[0]),
                    Inclusion(identity, leafHashes, indices[1]), leafHashes.Count);
        }
        return null;
    }

    private static TensorInclusion Inclusion(ModelIdentity identity, List<byte[]> leafHashes, int index) =>
        new(identity.Leaves[index], index, TensorMerkleTree.Path(leafHashes, index));
}
