using TensorCash.Chain.Blocks;

namespace TensorCash.Node.P2p.Protocol;

/// <summary>
/// Every cap of the peer-to-peer protocol (docs/protocol/p2p.md §2), named once. Each bounds what a hostile peer can
/// make this node allocate, hash or replay before it is caught; the comment says what it protects.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>The protocol version this node speaks (version message); peers below <see cref="MinPeerVersion"/> are refused.</summary>
    public const int ProtocolVersion = 1;
    public const int MinPeerVersion = 1;

    /// <summary>
    /// Largest message payload. A block is at most MaxBlockBytes (1 MB) of header and transactions plus its proof
    /// (Block.MaxProofBytes, 4 MiB): 6 MiB holds the largest valid block with room, and nothing larger is ever read into
    /// memory: the length field is checked before the payload is allocated.
    /// </summary>
    public const int MaxMessageBytes = 6 * 1024 * 1024;

    /// <summary>
    /// Largest payload before the handshake completes (a version message is under 300 bytes): a connection that has
    /// proven nothing cannot make the node hold a <see cref="MaxMessageBytes"/> buffer for the message-read timeout.
    /// </summary>
    public const int MaxHandshakeMessageBytes = 4096;

    /// <summary>
    /// Proof-carrying headers per `headers` message. Each costs the receiver a tier-1 check (about 1 ms), so one
    /// message costs at most about half a second of hashing. Senders also stop at <see cref="MaxHeadersPayloadBytes"/>.
    /// </summary>
    public const int MaxHeadersPerMessage = 500;

    /// <summary>A sender stops adding headers once the payload would pass this (proofs vary from 20 KB to MBs by model).</summary>
    public const int MaxHeadersPayloadBytes = 4 * 1024 * 1024;

    /// <summary>Block locator hashes in getheaders (Bitcoin's MAX_LOCATOR_SZ): bounds the receiver's lookups.</summary>
    public const int MaxLocatorHashes = 101;

    /// <summary>Entries in inv, getdata and notfound (Bitcoin's MAX_INV_SZ).</summary>
    public const int MaxInvEntries = 50_000;

    /// <summary>Entries in one addr message (Bitcoin's MAX_ADDR_TO_SEND).</summary>
    public const int MaxAddrEntries = 1000;

    /// <summary>Longest user agent in a version message (Bitcoin's MAX_SUBVERSION_LENGTH).</summary>
    public const int MaxUserAgentBytes = 256;

    /// <summary>Largest encoded fraud proof (one disputed step's evidence and context ids): 1 MiB.</summary>
    public const int MaxFraudProofBytes = 1024 * 1024;

    /// <summary>Blocks requested from one peer and not yet received (Bitcoin's MAX_BLOCKS_IN_TRANSIT_PER_PEER).</summary>
    public const int MaxBlocksInFlightPerPeer = 16;

    /// <summary>How far past the last stored block of the best header chain blocks are requested (Bitcoin's BLOCK_DOWNLOAD_WINDOW).</summary>
    public const int BlockDownloadWindow = 1024;

    /// <summary>
    /// Blocks received before their parent, held until it is connected. Only requested blocks are held, so this is
    /// also bounded by peers × <see cref="MaxBlocksInFlightPerPeer"/>; bytes are capped by <see cref="MaxOrphanBlockBytes"/>.
    /// </summary>
    public const int MaxOrphanBlocks = 2048;
    public const long MaxOrphanBlockBytes = 256L * 1024 * 1024;

    /// <summary>Validated headers kept ahead of the stored blocks (about 300 bytes each in memory).</summary>
    public const int MaxHeaderTreeEntries = 200_000;

    /// <summary>
    /// `headers` messages in a row that do not connect before the peer is punished (Bitcoin's
    /// MAX_NUM_UNCONNECTING_HEADERS_MSGS): a reorganisation may take a few; a flood cannot.
    /// </summary>
    public const int MaxUnconnectingHeadersMessages = 10;

    /// <summary>Outbound connections the node keeps (Bitcoin's 8 full-relay outbound).</summary>
    public const int DefaultMaxOutbound = 8;

    /// <summary>All connections, inbound and outbound (Bitcoin's DEFAULT_MAX_PEER_CONNECTIONS).</summary>
    public const int DefaultMaxConnections = 125;

    /// <summary>Misbehaviour score at which a peer is banned (Bitcoin's historical DISCOURAGEMENT_THRESHOLD).</summary>
    public const int BanScore = 100;

    /// <summary>Transactions and blocks remembered per peer as already known to it, so they are not announced back.</summary>
    public const int MaxKnownInventoryPerPeer = 50_000;

    /// <summary>
    /// addr entries a peer may have processed per second, with a burst of <see cref="MaxAddrEntries"/> (Bitcoin's
    /// MAX_ADDR_RATE_PER_SECOND): the excess is dropped, so a flood cannot churn the address table.
    /// </summary>
    public const double AddrRatePerSecond = 0.1;

    /// <summary>Transactions this node asks one peer for and has not received yet.</summary>
    public const int MaxTransactionsInFlightPerPeer = 5000;
}
