using TensorCash.Chain.Consensus;

namespace TensorCash.Chain.Registry;

/// <summary>
/// A registry payload (registration or fraud proof) that does not decode. Unlike <see cref="Serialization.ChainFormatException"/>
/// it carries the consensus reason, because a payload fails for different reasons ("bad-reg-encoding",
/// "bad-reg-architecture", "bad-reg-profile", "bad-challenge-encoding") depending on which part is wrong.
/// </summary>
public sealed class RegistryFormatException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;

    public RuleViolation ToViolation(string context) => new(Reason, $"{context}: {Message}");
}
