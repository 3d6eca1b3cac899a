namespace TensorCash.Chain.Registry;

/// <summary>Where a model is in its life (docs/protocol/registry.md §3). Only <see cref="Active"/> models may be mined.</summary>
public enum ModelStatus : byte
{
    /// <summary>Registered, holding a signal slot, gathering support.</summary>
    Pending,
    /// <summary>Reached the threshold in a full period; active from the end of the next period (its slot is still held until then).</summary>
    LockedIn,
    /// <summary>Mineable: genesis models always, registered ones from activation until dormancy or fraud.</summary>
    Active,
    /// <summary>Never locked in within the window; slot and deposit released. May be registered again.</summary>
    Expired,
    /// <summary>Deactivated for proven fraud (banned for good) or for dormancy (may be registered again).</summary>
    Deactivated,
}

/// <summary>Why an entry has its status: the code in <see cref="RegistryEntry.StatusReason"/>, stable for RPC and logs.</summary>
public static class StatusReasons
{
    public const string Genesis = "genesis";
    public const string Registered = "registered";
    public const string LockedIn = "locked-in";
    public const string Activated = "activated";
    public const string ExpiredNoSupport = "expired-no-support";
    public const string DeactivatedFraud = "deactivated-fraud";
    public const string DeactivatedDormant = "deactivated-dormant";
}
