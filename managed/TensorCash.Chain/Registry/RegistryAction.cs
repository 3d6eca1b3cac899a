using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Registry;

/// <summary>
/// One registry operation a block carries, found by <see cref="RegistryActions.Extract"/> and applied in block order by
/// <see cref="RegistryRules.Apply"/>. Stored per block by the node (<see cref="RegistryActions.Encode"/>), so the
/// registry can be rebuilt without reading blocks.
/// </summary>
public abstract record RegistryAction(Hash256 Txid);

/// <summary>A registration: its payload passed every stateless check, and output 0 is the deposit.</summary>
public sealed record RegistrationAction(Hash256 Txid, ModelRegistration Registration, long DepositValue) : RegistryAction(Txid)
{
    /// <summary>The deposit is always output 0 of the registration.</summary>
    public OutPoint Deposit => new(Txid, 0);
}

/// <summary>A challenge: its fraud proof decoded; whether it holds depends on the registry (<see cref="FraudProofVerifier"/>).</summary>
public sealed record ChallengeAction(Hash256 Txid, ModelFraudProof Proof) : RegistryAction(Txid);
