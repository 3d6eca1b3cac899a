using System.Numerics;
using TensorCash.Chain.Blocks;

namespace TensorCash.Chain.Consensus;

/// <summary>Which chain: each has its own genesis, limits, address prefix and ports.</summary>
public enum Network { Main, Testnet, Regtest }

/// <summary>
/// Every consensus constant of one network, with its value and reason documented in docs/protocol/chain.md.
/// </summary>
public sealed class ChainParams
{
    public required Network Network { get; init; }
    public required Block Genesis { get; init; }

    /// <summary>Easiest allowed target (T_base and T_adj never exceed it).</summary>
    public required BigInteger PowLimit { get; init; }
    /// <summary>Target block spacing in seconds (ASERT's ideal).</summary>
    public required long TargetSpacingSeconds { get; init; }
    /// <summary>ASERT half-life in seconds.</summary>
    public required long AsertHalfLifeSeconds { get; init; }
    /// <summary>Regtest: no retargeting, every block at PowLimit.</summary>
    public bool NoRetargeting { get; init; }

    public int CoinbaseMaturity { get; init; } = 100;
    public long Coin { get; init; } = 100_000_000;
    public required long InitialSubsidy { get; init; }
    public required int SubsidyHalvingInterval { get; init; }
    public required long MaxMoney { get; init; }

    /// <summary>Block size limit over header and transactions (the proof transcript has its own cap).</summary>
    public int MaxBlockBytes { get; init; } = 1_000_000;
    public int MaxBlockSigOps { get; init; } = 20_000;
    /// <summary>How far ahead of the node's clock (adjusted time) a header's time may be.</summary>
    public long MaxFutureBlockTimeSeconds { get; init; } = 2 * 60 * 60;

    /// <summary>Bech32 human-readable part for addresses ("tc", "tctest", "tcrt").</summary>
    public required string Bech32Hrp { get; init; }
    public required int DefaultRpcPort { get; init; }

    /// <summary>
    /// Genesis model table (until the registry): model id to its difficulty D_m. T_adj = min(PowLimit, T_base * N / D_m).
    /// </summary>
    public required IReadOnlyDictionary<Primitives.Hash256, ulong> ModelDifficulty { get; init; }
    /// <summary>The normaliser N of T_adj = T_base * N / D_m.</summary>
    public required ulong ModelNormaliser { get; init; }
}
