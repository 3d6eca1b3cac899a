namespace TensorCash.Chain.Registry;

/// <summary>
/// The model registry's consensus constants for one network (docs/protocol/registry.md, "Parameters"). Heights are in
/// blocks; <see cref="MinimumDeposit"/> in base units. The values per network are set in
/// <see cref="Consensus.ChainParams"/>, next to the genesis model table they calibrate.
/// </summary>
public sealed record RegistryParams
{
    /// <summary>
    /// Signal slots are nVersion bits 0..28 (the top three bits are BIP9's 001 marker), so at most 29 models can be
    /// pending at once whatever a network chooses.
    /// </summary>
    public const int MaxSignalBits = 29;

    /// <summary>P: signals are counted per period [kP, (k+1)P − 1]; every state change but registration and fraud happens at a period's end.</summary>
    public required int SignalPeriod { get; init; }
    /// <summary>Signalling blocks in one period that lock a pending model in (BIP9's threshold, 75 % of P).</summary>
    public required int Threshold { get; init; }
    /// <summary>Blocks from registration after which a model that never locked in expires (its slot and deposit are freed).</summary>
    public required int WindowBlocks { get; init; }
    /// <summary>Blocks after activation during which the deposit stays locked, so a fraud proof found late still costs the registrant.</summary>
    public required int ChallengeBlocks { get; init; }
    /// <summary>Blocks without a block on the model after which an active registered model is deactivated (frees nothing but the table).</summary>
    public required int DormancyBlocks { get; init; }
    /// <summary>Smallest value of a registration's output 0: what a spammer or a fraudulent registrant puts at risk.</summary>
    public required long MinimumDeposit { get; init; }
    /// <summary>
    /// C_ref of D_m = max(1, ⌊N · C_ref / cost⌋): the architecture-audit cost (<see cref="ModelCost"/>) of the reference
    /// model, whose window is what D_m = N means.
    /// </summary>
    public required ulong ReferenceCost { get; init; }
    /// <summary>Signal slots: pending plus locked-in models at once. Bounds the per-block signal work and the registry's growth rate.</summary>
    public int MaxPendingModels { get; init; } = 16;
    /// <summary>Challenges per block: each may hash up to 2^20 × 32 bytes (a zero-tensor proof of a 2^40-byte tensor), so a block's challenge cost is bounded.</summary>
    public int MaxChallengesPerBlock { get; init; } = 4;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the values are usable: positive periods, a threshold within a
    /// period, slots within the version bits, and dormancy no shorter than the challenge period (a dormant model's
    /// deposit is then always past its lock, so a re-registration that replaces the entry cannot strand a locked deposit).
    /// </summary>
    public RegistryParams Validated()
    {
        if (SignalPeriod < 1) throw new ArgumentException($"signal period {SignalPeriod} is below 1");
        if (Threshold < 1 || Threshold > SignalPeriod) throw new ArgumentException($"threshold {Threshold} is outside 1..{SignalPeriod}");
        if (WindowBlocks < 1 || ChallengeBlocks < 0) throw new ArgumentException($"window {WindowBlocks} or challenge period {ChallengeBlocks} is not usable");
        if (DormancyBlocks < ChallengeBlocks) throw new ArgumentException($"dormancy {DormancyBlocks} is shorter than the challenge period {ChallengeBlocks}");
        if (MinimumDeposit < 0) throw new ArgumentException($"minimum deposit {MinimumDeposit} is negative");
        if (ReferenceCost == 0) throw new ArgumentException("the reference cost is 0");
        if (MaxPendingModels is < 1 or > MaxSignalBits) throw new ArgumentException($"{MaxPendingModels} slots is outside 1..{MaxSignalBits}");
        if (MaxChallengesPerBlock < 0) throw new ArgumentException($"challenge limit {MaxChallengesPerBlock} is negative");
        return this;
    }
}
