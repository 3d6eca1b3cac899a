using System.Net;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Node.P2p;

/// <summary>How the node takes part in the network (the `tensorcash node` flags --listen, --port, --bind, --connect, --addnode).</summary>
public sealed record P2pOptions
{
    /// <summary>Accept inbound connections.</summary>
    public bool Listen { get; init; }

    /// <summary>The port to listen on; null for the network's default, 0 for any free port (written to DATADIR/p2p.port).</summary>
    public int? Port { get; init; }

    /// <summary>The address to listen on (default: every interface).</summary>
    public IPAddress Bind { get; init; } = IPAddress.Any;

    /// <summary>--connect: connect only to these peers (no address discovery, no other outbound connections).</summary>
    public IReadOnlyList<IPEndPoint> Connect { get; init; } = [];

    /// <summary>--addnode: keep a connection to each of these, besides the automatic outbound ones.</summary>
    public IReadOnlyList<IPEndPoint> AddNodes { get; init; } = [];

    public int MaxOutbound { get; init; } = ProtocolLimits.DefaultMaxOutbound;
    public int MaxConnections { get; init; } = ProtocolLimits.DefaultMaxConnections;
    public NetworkTimeouts Timeouts { get; init; } = new();

    /// <summary>
    /// Ban loopback peers that misbehave. Off by default, as in Bitcoin Core (a local peer is disconnected, never
    /// banned: banning 127.0.0.1 would lock out every local client); the hostile-peer tests turn it on.
    /// </summary>
    public bool BanLocalPeers { get; init; }

    /// <summary>How often a progress line is logged while blocks are downloaded.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);
}
