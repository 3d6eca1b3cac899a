using TensorCash.Chain.Consensus;

namespace TensorCash.Node.Hosting;

/// <summary>What a node is started with (the `tensorcash node` options, or an in-process host's choices).</summary>
public sealed record NodeOptions
{
    public Network Network { get; init; } = Network.Main;

    /// <summary>Where the chainstate, wallet and RPC cookie live; null for ~/.tensorcash/&lt;network&gt;.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Models to load (paths or builtin:NAME): any model the engine can load, registered or not yet (it may be
    /// registered later). The node replays (tier 2) every block that declares one of them, and mines on them in turn,
    /// each block on the next one that is Active in the registry after the tip. builtin:tiny is always loaded as well
    /// (for replays; the node mines on it only when no model is named).
    /// </summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>
    /// The pending models mined blocks signal support for: model ids (64 hex digits) or registered names. Null (the
    /// default): every pending model the node holds ("a miner signals for what it can run").
    /// </summary>
    public IReadOnlyList<string>? SupportModels { get; init; }

    /// <summary>
    /// Rebuild the chainstate's UTXO set, undo data and UTXO commitments from the stored blocks before starting
    /// (<c>--reindex</c>): the best stored chain is connected again from genesis.
    /// </summary>
    public bool Reindex { get; init; }

    /// <summary>
    /// Keep the transaction index (<c>--txindex</c>, off by default as in bitcoind): txid to block and position for every
    /// transaction of the active chain, so getrawtransaction finds any confirmed transaction. Built at start when the
    /// datadir has none (or an out-of-date one); dropped at start when this is off.
    /// </summary>
    public bool TxIndex { get; init; }

    /// <summary>Where start-up progress lines go (a reindex reports every 1,000 blocks); null: nowhere.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Mined blocks signal for no model, whatever <see cref="SupportModels"/> says (tests, or opting out of admission).</summary>
    public bool SignalNone { get; init; }

    /// <summary>Worker threads of each model's transformer (builtin:tiny held only for replays gets one).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Tier-2 steps replayed per block, chosen from this process's private secret hashed with the block hash (never from
    /// anything the miner controls); 0 = every step (the default, and the only setting whose verdict equals every full node's).
    /// </summary>
    public int ReplayPositions { get; init; }

    /// <summary>
    /// Tests only: the proof verifier gets no model, as on a node that does not hold a block's model (it then reports
    /// blocks as unverified). The node still mines on its models.
    /// </summary>
    internal bool VerifyWithoutModels { get; init; }

    /// <summary>Where mined coinbases pay; null for an address of the node's wallet.</summary>
    public string? MineAddress { get; init; }
}
