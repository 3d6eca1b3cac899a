using System.Collections.Frozen;
using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Consensus;

/// <summary>Which chain: each has its own genesis, limits, address prefix and ports.</summary>
public enum Network { Main, Testnet, Regtest }

/// <summary>
/// Every consensus constant of one network, with its value and reason documented in docs/protocol/chain.md
/// ("Targets, headers and network parameters").
/// </summary>
public sealed class ChainParams
{
    public required Network Network { get; init; }
    public required Block Genesis { get; init; }

    /// <summary>Easiest allowed target (T_base and T_adj never exceed it). Exactly representable in compact form.</summary>
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
    /// <summary>How far before its parent's time a header's time may be (BIP54's time-warp bound, on every block).</summary>
    public long MaxTimeWarpSeconds { get; init; } = 2 * 60 * 60;

    /// <summary>
    /// Size of the VDF's class-group discriminant in bits (docs/protocol/vdf.md): 1024 on the public networks, as
    /// chiavdf; regtest uses a small one so tests and the demo evaluate in milliseconds.
    /// </summary>
    public required int VdfDiscriminantBits { get; init; }

    /// <summary>
    /// T, the VDF's squarings per block: a consensus constant every header must carry (docs/protocol/vdf.md, "T against
    /// block time").
    /// </summary>
    public required uint VdfTicks { get; init; }

    /// <summary>Size of the VDF proof's challenge prime ℓ in bits: 256 (128-bit security), regtest 128 (cheaper checks).</summary>
    public int VdfChallengeBits { get; init; } = 256;

    /// <summary>Bech32 human-readable part for addresses ("tc", "tctest", "tcrt").</summary>
    public required string Bech32Hrp { get; init; }
    public required int DefaultRpcPort { get; init; }
    /// <summary>The TCP port `tensorcash node --listen` binds by default.</summary>
    public required int DefaultP2pPort { get; init; }
    /// <summary>
    /// The 4 bytes that start every peer-to-peer message (Bitcoin's pchMessageStart): a node of another network, or a
    /// stream that lost its framing, is recognised at the first message.
    /// </summary>
    public required uint MessageStart { get; init; }
    /// <summary>
    /// Anti-low-work-fork floor (Bitcoin's nMinimumChainWork): a node downloads blocks of a header chain only when the
    /// chain's work reaches this and exceeds its own tip's, so a peer cannot make it store a cheap fork. Zero on the
    /// young networks; raised with each release as the chain grows.
    /// </summary>
    public BigInteger MinimumChainWork { get; init; } = BigInteger.Zero;

    /// <summary>
    /// Genesis model table: the models active from block 1 without registration (never dormant, never challengeable),
    /// model id to what a verifier needs (vocabulary, precision) and its difficulty D_m from the architecture audit
    /// (<see cref="ModelCost"/>). T_adj = min(PowLimit, T_base * N / D_m). Every other model comes from the registry
    /// (<see cref="ModelRegistry"/>), which starts from this table.
    /// </summary>
    public required IReadOnlyDictionary<Hash256, RegisteredModel> Models { get; init; }
    /// <summary>The normaliser N of T_adj = T_base * N / D_m.</summary>
    public required ulong ModelNormaliser { get; init; }
    /// <summary>The model registry's constants (docs/protocol/registry.md, "Parameters").</summary>
    public required RegistryParams Registry { get; init; }

    /// <summary>PowLimit in compact form: regtest's nBits, and ASERT's ceiling.</summary>
    public uint PowLimitBits => CompactBits.Encode(PowLimit);
    /// <summary>The genesis target: ASERT's anchor target.</summary>
    public BigInteger GenesisTarget => CompactBits.DecodeTarget(Genesis.Header.Bits)
        ?? throw new InvalidOperationException($"{Network} genesis nBits 0x{Genesis.Header.Bits:x8} is not a valid target");
    public Hash256 GenesisHash => Genesis.Header.Hash;

    /// <summary>
    /// ModelIdentity V2 of builtin:tiny (docs/protocol/registry.md §1: SHA-256("TSC-MODEL-V2" ‖ descriptor ‖ tensor
    /// root), computed by TensorCash.Proving, which this project cannot reference; a test checks the value). Given in
    /// ModelIdentity.Hex order, i.e. the serialized bytes, not Hash256's reversed display form.
    /// </summary>
    public static readonly Hash256 BuiltinTinyModelId = new(Convert.FromHexString(BuiltinTinyModelIdHex));
    public const string BuiltinTinyModelIdHex = "0122fe5f77d0352305cb9b437d3c72de5cb601cd103a83c8e6c9909f373c0551";

    /// <summary>N: D_m = N is the reference cost of a window; D_m = 2N makes a model's target half as large.</summary>
    public const ulong StandardModelNormaliser = 1_000_000;

    /// <summary>
    /// builtin:tiny's architecture (the engine's BuiltinModels.TinySpec, which this project cannot reference; a test
    /// compares them): Llama, 4 layers, dim 128, 4 heads of 32, 2 KV heads, FFN 352, the 264-token byte vocabulary,
    /// 2048 positions, RMSNorm eps 1e-5 (float bits 0x3727C5AC), RoPE theta 10000 (double bits 0x40C3880000000000),
    /// tied embeddings, no attention bias, no RoPE scaling. Its weights are F32.
    /// </summary>
    public static readonly ModelDescriptor BuiltinTinyDescriptor = new(
        Architecture: 0, LayerCount: 4, ModelDim: 128, HeadCount: 4, KvHeadCount: 2, HeadDim: 32, FeedForwardDim: 352, VocabSize: 264,
        MaxSequenceLength: 2048, RmsNormEpsBits: 0x3727C5AC, RopeThetaBits: 0x40C3880000000000, TiedEmbeddings: true, AttentionBias: false,
        RopeScaling: null);

    /// <summary>
    /// Main's reference model, whose window D_m = N prices: a 1B-class Llama (16 layers, dim 2048, 32 heads of 64, 8 KV
    /// heads, FFN 8192, vocabulary 128256: Llama 3.2 1B's shape) with BF16 weights, under builtin:tiny's main profile
    /// (W 64, 8 salt tokens). Only its cost matters, so the norm and RoPE numbers are tiny's.
    /// </summary>
    public static readonly ModelDescriptor MainReferenceDescriptor = BuiltinTinyDescriptor with
    {
        LayerCount = 16, ModelDim = 2048, HeadCount = 32, KvHeadCount = 8, HeadDim = 64, FeedForwardDim = 8192, VocabSize = 128_256,
        MaxSequenceLength = 131_072,
    };

    /// <summary>Window sizes of builtin:tiny's pinned profile: 64 on the public networks, 16 on regtest.</summary>
    private const int PublicWindow = 64;
    private const int RegtestWindow = 16;

    /// <summary>C_ref on main: <see cref="MainReferenceDescriptor"/>, BF16.</summary>
    private static readonly ulong MainReferenceCost = ModelCost.CostUnits(MainReferenceDescriptor, WeightDTypes.BF16, BuiltinTinyProfile(PublicWindow));
    /// <summary>C_ref on testnet and regtest: builtin:tiny itself under its own profile there, so it keeps D_m = N.</summary>
    private static ulong TinyCost(int windowSize) => ModelCost.CostUnits(BuiltinTinyDescriptor, WeightDTypes.F32, BuiltinTinyProfile(windowSize));

    private const uint GenesisTime = 1_767_225_600; // 2026-01-01T00:00:00Z
    private const long TargetSpacing = 120;
    private const long HalfLife = 12 * 60 * 60;
    private const long Coins = 100_000_000;

    // The VDF per network (docs/protocol/vdf.md, "Parameters"; figures in bench/results/vdf.md). Public networks: a
    // 1024-bit discriminant and T = 2^15 squarings, about a tenth of the 120 s spacing on one core with this managed
    // implementation. Regtest: 128 bits (no security, only speed: a fresh node in the multi-process tests verifies
    // hundreds of headers) and T = 2^9, milliseconds, so a proof is not trivial (T > 256 makes ⌊2^T/ℓ⌋ > 1) and the
    // demo stays quick.
    private const int PublicVdfBits = 1024;
    private const uint PublicVdfTicks = 1 << 15;
    private const int RegtestVdfBits = 128;
    private const uint RegtestVdfTicks = 1 << 9;

    /// <summary>2^251 - 2^232 (compact 0x2007ffff): at the easiest, a block takes 32 reference windows on average.</summary>
    private static readonly BigInteger PublicPowLimit = CompactBits.DecodeTarget(0x2007ffff)!.Value;
    /// <summary>Bitcoin regtest's 0x207fffff: about 2^255, two header attempts per block on average.</summary>
    private static readonly BigInteger RegtestPowLimit = CompactBits.DecodeTarget(0x207fffff)!.Value;

    public static readonly ChainParams Main = new()
    {
        Network = Network.Main,
        Genesis = GenesisBlock.Create("TensorCash 2026-01-01: blocks paid for with verified inference", GenesisTime, 0x2007ffff),
        PowLimit = PublicPowLimit,
        TargetSpacingSeconds = TargetSpacing,
        AsertHalfLifeSeconds = HalfLife,
        VdfDiscriminantBits = PublicVdfBits,
        VdfTicks = PublicVdfTicks,
        InitialSubsidy = 50 * Coins,
        SubsidyHalvingInterval = 210_000,
        MaxMoney = 21_000_000 * Coins,
        Bech32Hrp = "tc",
        DefaultRpcPort = 8432,
        DefaultP2pPort = 8433,
        MessageStart = 0xE3C7A154,
        Models = GenesisModels(PublicWindow, MainReferenceCost),
        ModelNormaliser = StandardModelNormaliser,
        // A period of a day at 2-minute blocks, BIP9's 75 %; two weeks to gather support; a week of challenges; a month of dormancy.
        Registry = new RegistryParams
        {
            SignalPeriod = 720, Threshold = 540, WindowBlocks = 14 * 720, ChallengeBlocks = 5_040, DormancyBlocks = 30 * 720,
            MinimumDeposit = 1_000 * Coins, ReferenceCost = MainReferenceCost,
        }.Validated(),
    };

    public static readonly ChainParams Testnet = new()
    {
        Network = Network.Testnet,
        Genesis = GenesisBlock.Create("TensorCash testnet 2026-01-01", GenesisTime, 0x2007ffff),
        PowLimit = PublicPowLimit,
        TargetSpacingSeconds = TargetSpacing,
        AsertHalfLifeSeconds = HalfLife,
        VdfDiscriminantBits = PublicVdfBits,
        VdfTicks = PublicVdfTicks,
        InitialSubsidy = 50 * Coins,
        SubsidyHalvingInterval = 210_000,
        MaxMoney = 21_000_000 * Coins,
        Bech32Hrp = "tctest",
        DefaultRpcPort = 18432,
        DefaultP2pPort = 18433,
        MessageStart = 0x0B7A5E31,
        // Neutral: testnet miners are developers, and builtin:tiny is the one model everyone has.
        Models = GenesisModels(PublicWindow, TinyCost(PublicWindow)),
        ModelNormaliser = StandardModelNormaliser,
        Registry = new RegistryParams
        {
            SignalPeriod = 144, Threshold = 108, WindowBlocks = 8 * 144, ChallengeBlocks = 720, DormancyBlocks = 30 * 144,
            MinimumDeposit = 1 * Coins, ReferenceCost = TinyCost(PublicWindow),
        }.Validated(),
    };

    public static readonly ChainParams Regtest = new()
    {
        Network = Network.Regtest,
        Genesis = GenesisBlock.Create("TensorCash regtest", GenesisTime, 0x207fffff),
        PowLimit = RegtestPowLimit,
        TargetSpacingSeconds = TargetSpacing,
        AsertHalfLifeSeconds = HalfLife,
        NoRetargeting = true,
        VdfDiscriminantBits = RegtestVdfBits,
        VdfTicks = RegtestVdfTicks,
        VdfChallengeBits = 128,
        InitialSubsidy = 50 * Coins,
        SubsidyHalvingInterval = 150,
        MaxMoney = 21_000_000 * Coins,
        Bech32Hrp = "tcrt",
        DefaultRpcPort = 18543,
        DefaultP2pPort = 18544,
        MessageStart = 0xFAB5DA7E,
        // Short windows keep regtest blocks (and `tensorcash demo`) quick; every rule is the same as with 64.
        Models = GenesisModels(RegtestWindow, TinyCost(RegtestWindow)),
        ModelNormaliser = StandardModelNormaliser,
        // Short everything, so a test walks a model from registration to activation, expiry or dormancy in a few dozen blocks.
        Registry = new RegistryParams
        {
            SignalPeriod = 8, Threshold = 6, WindowBlocks = 32, ChallengeBlocks = 16, DormancyBlocks = 1_000,
            MinimumDeposit = 1 * Coins, ReferenceCost = TinyCost(RegtestWindow),
        }.Validated(),
    };

    /// <summary>
    /// builtin:tiny's pinned proof profile: temperature 1, top-k 32 = K (the sampler needs no candidate beyond top-k,
    /// so a larger K would only add bytes), top-p 0.95, no repetition penalty (window 0, the one canonical value), F32,
    /// vocabulary 264 (256 bytes + 8 specials), 8 salt tokens (264^8 ≈ 2^64.4 salts: grinding B for a salt already cached
    /// must cost more than any hash hardware can pay, docs/protocol/security.md §6),
    /// prompts of at most 1024 tokens (1024 + 8 + 64 fits its 2048-token context) and the 0.85 ceiling.
    /// </summary>
    public static ProofProfile BuiltinTinyProfile(int windowSize) =>
        new(new DecodeParameters(1u << 16, 32, 4_080_218_931, 1u << 16, 0), 32, windowSize, PrecisionTag.F32, 264, 8, 1024);

    /// <summary>
    /// The genesis table: builtin:tiny under its profile with window <paramref name="windowSize"/>, its D_m from its
    /// architecture cost against <paramref name="referenceCost"/> (N exactly where it is the reference).
    /// </summary>
    private static IReadOnlyDictionary<Hash256, RegisteredModel> GenesisModels(int windowSize, ulong referenceCost)
    {
        ulong cost = TinyCost(windowSize);
        var tiny = new RegisteredModel("builtin:tiny", BuiltinTinyProfile(windowSize), ModelCost.Difficulty(cost, StandardModelNormaliser, referenceCost), cost);
        return new Dictionary<Hash256, RegisteredModel> { [BuiltinTinyModelId] = tiny }.ToFrozenDictionary();
    }

    /// <summary>The window size of the network's models (every table entry pins the same W today).</summary>
    public int ProofWindowSize => Models.Values.First().Profile.WindowSize;

    public static ChainParams For(Network network) => network switch
    {
        Network.Main => Main,
        Network.Testnet => Testnet,
        Network.Regtest => Regtest,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "unknown network"),
    };
}
