namespace TensorCash.Node.P2p.Protocol;

/// <summary>
/// Every time bound on a connection. A peer that drips bytes, never finishes its handshake, never answers a ping or
/// holds a block request is disconnected when its bound passes, so no peer can hold a connection slot or a download
/// forever. The defaults are Bitcoin Core's where it has one; tests shorten them.
/// </summary>
public sealed record NetworkTimeouts
{
    /// <summary>version and verack must both arrive within this after the connection opens.</summary>
    public TimeSpan Handshake { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Once a message's first byte arrives, the whole message (24-byte header and payload) must within this.</summary>
    public TimeSpan MessageRead { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that sends nothing for this long is dropped (Bitcoin's TIMEOUT_INTERVAL, 20 minutes).</summary>
    public TimeSpan Inactivity { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How often a ping is sent; a peer must answer before <see cref="Inactivity"/> passes.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A requested block that has not arrived after this is requested from another peer, and the slow peer dropped.</summary>
    public TimeSpan BlockRequest { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>A TCP connect that does not complete within this fails.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the connection manager tops up outbound connections and retries added nodes.</summary>
    public TimeSpan ConnectRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A send that cannot be written within this (the peer stopped reading) closes the connection.</summary>
    public TimeSpan Send { get; init; } = TimeSpan.FromSeconds(60);
}
