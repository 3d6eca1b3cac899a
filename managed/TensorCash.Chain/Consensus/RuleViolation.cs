namespace TensorCash.Chain.Consensus;

/// <summary>
/// Why a consensus rule rejected something. <see cref="Reason"/> is a stable machine-readable string in Bitcoin
/// Core's style ("bad-txnmrklroot", "bad-txns-inputs-duplicate", ...), listed in docs/protocol/chain.md;
/// <see cref="Message"/> is for humans and says which object and which values.
/// </summary>
public sealed record RuleViolation(string Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
