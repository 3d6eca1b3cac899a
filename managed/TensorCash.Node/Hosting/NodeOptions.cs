using TensorCash.Chain.Consensus;

namespace TensorCash.Node.Hosting;

/// <summary>What a node is started with (the `tensorcash node` options, or an in-process host's choices).</summary>
public sealed record NodeOptions
{
    public Network Network { get; init; } = Network.Main;

    /// <summary>Where the chainstate, wallet and RPC cookie live; null for ~/.tensorcash/&lt;network&gt;.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Models to load (paths or builtin:NAME), each checked against the network's model table. The node replays
    /// (tier 2) every block that declares one of them and mines on the first. builtin:tiny is always loaded as well.
    /// </summary>
    public IReadOnlyList<string> Models { get; init; } = [];

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
