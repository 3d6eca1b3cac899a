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

    /// <summary>Tier-2 steps replayed per block, chosen by Fiat–Shamir from its proof commitment; 0 = every step.</summary>
    public int ReplayPositions { get; init; }

    /// <summary>Where mined coinbases pay; null for an address of the node's wallet.</summary>
    public string? MineAddress { get; init; }
}
