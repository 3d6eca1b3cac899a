namespace TensorCash.Chain.Registry;

/// <summary>
/// The registry's rule-violation reasons (docs/protocol/registry.md §2–§4), as constants so the rules, the tests and
/// the node's error mapping cannot drift apart.
/// </summary>
public static class RegistryReasons
{
    // Registrations, stateless (RegistryActions.Extract).
    public const string RegEncoding = "bad-reg-encoding";
    public const string RegMetadata = "bad-reg-metadata";
    public const string RegArchitecture = "bad-reg-architecture";
    public const string RegModelId = "bad-reg-model-id";
    public const string RegProfile = "bad-reg-profile";
    public const string RegDeposit = "bad-reg-deposit";
    public const string RegMultiple = "bad-reg-multiple";
    public const string RegCoinbase = "bad-reg-coinbase";
    public const string RegAudit = "bad-reg-audit";

    // Registrations, contextual (RegistryRules.Apply).
    public const string RegDuplicate = "bad-reg-duplicate";
    public const string RegBanned = "bad-reg-banned";
    public const string RegNoSlot = "bad-reg-no-slot";

    // Challenges.
    public const string ChallengeEncoding = "bad-challenge-encoding";
    public const string ChallengeCount = "bad-challenge-count";
    public const string ChallengeModel = "bad-challenge-model";
    public const string ChallengeStatus = "bad-challenge-status";
    public const string ChallengeProof = "bad-challenge-proof";

    // Headers and spends.
    public const string Model = "bad-model";
    public const string ModelInactive = "bad-model-inactive";
    public const string DepositLocked = "bad-txns-deposit-locked";
}
