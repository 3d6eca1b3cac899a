using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using TensorCash.Chain.Primitives;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Node.P2p;

/// <summary>
/// One TCP connection to a peer (Bitcoin Core's CNode): framed reads with every size and time bounded, a bounded send
/// queue, traffic counters, and the per-peer state the message handler (<see cref="PeerManager"/>) keeps. Reads and
/// message handling run on one task per peer, so a slow or hostile peer holds up only itself.
/// </summary>
public sealed class Peer
{
    /// <summary>
    /// Bytes queued for sending and not yet written. A peer that stops reading while it asks for blocks is
    /// disconnected at this, instead of making the node buffer without bound.
    /// </summary>
    public const long MaxSendQueueBytes = 64L * 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly uint _magic;
    private readonly NetworkTimeouts _timeouts;
    private readonly Channel<byte[]> _sendQueue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();
    private long _queuedBytes;
    private long _bytesSent;
    private long _bytesReceived;
    private int _disconnecting;

    internal Peer(long id, Socket socket, bool inbound, bool manual, uint magic, NetworkTimeouts timeouts)
    {
        Id = id;
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Inbound = inbound;
        Manual = manual;
        _magic = magic;
        _timeouts = timeouts;
        RemoteEndPoint = AddressRules.Normalize((IPEndPoint)socket.RemoteEndPoint!);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public long Id { get; }
    public IPEndPoint RemoteEndPoint { get; }
    public IPEndPoint LocalEndPoint { get; }
    public bool Inbound { get; }
    /// <summary>Asked for by the operator (--connect, --addnode, addnode): never evicted, dialled even if banned.</summary>
    public bool Manual { get; }
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset LastReceive { get; private set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset LastSend { get; private set; } = DateTimeOffset.UtcNow;
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    /// <summary>Bytes per command, as getpeerinfo's bytessent_per_msg and bytesrecv_per_msg (header included).</summary>
    public ConcurrentDictionary<string, long> BytesSentPerMessage { get; } = new();
    public ConcurrentDictionary<string, long> BytesReceivedPerMessage { get; } = new();
    public CancellationToken Closed => _closed.Token;
    public bool IsDisconnecting => Volatile.Read(ref _disconnecting) != 0;
    /// <summary>Why the connection ended (null while open).</summary>
    public string? DisconnectReason { get; private set; }

    // ---- handshake and state kept by PeerManager (under its own locks) ----
    public VersionMessage? Version { get; internal set; }
    public bool VersionSent { get; internal set; }
    public bool HandshakeComplete { get; internal set; }
    public ulong LocalNonce { get; internal set; }
    public int MisbehaviourScore { get; internal set; }
    public ulong? PingNonce { get; internal set; }
    public DateTimeOffset PingSentAt { get; internal set; }
    public TimeSpan? PingTime { get; internal set; }
    public DateTimeOffset? LastBlockReceived { get; internal set; }
    public DateTimeOffset? LastTransactionReceived { get; internal set; }
    /// <summary>The best header this peer announced or sent (what blocks it can serve).</summary>
    public Hash256? BestKnownHeader { get; internal set; }
    public int BestKnownHeight { get; internal set; } = -1;
    public int UnconnectingHeadersMessages { get; internal set; }
    public bool AnsweredGetAddr { get; internal set; }
    /// <summary>addr entries the peer may still have processed (token bucket, ProtocolLimits.AddrRatePerSecond).</summary>
    internal double AddrTokens { get; set; } = ProtocolLimits.MaxAddrEntries;
    internal DateTimeOffset AddrTokensAt { get; set; } = DateTimeOffset.UtcNow;
    internal long AddrDropped { get; set; }
    /// <summary>Blocks and transactions the peer is known to have (so they are not announced back), bounded.</summary>
    internal BoundedHashSet KnownInventory { get; } = new(ProtocolLimits.MaxKnownInventoryPerPeer);
    internal HashSet<Hash256> TransactionsInFlight { get; } = [];

    /// <summary>Queues a message; false (and the connection closes) when the send queue is over its cap.</summary>
    public bool Send(NetworkMessage message)
    {
        if (IsDisconnecting) return false;
        byte[] payload = message.Payload();
        var frame = new byte[MessageHeader.Size + payload.Length];
        MessageHeader.For(_magic, message.Command, payload).WriteTo(frame);
        payload.CopyTo(frame, MessageHeader.Size);
        return SendFrame(message.Command, frame);
    }

    /// <summary>Queues raw bytes as they are (the hostile-peer tests send broken frames through this).</summary>
    internal bool SendFrame(string command, byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > MaxSendQueueBytes)
        {
            Disconnect($"send queue over {MaxSendQueueBytes} bytes: the peer does not read");
            return false;
        }
        BytesSentPerMessage.AddOrUpdate(command, frame.Length, (_, total) => total + frame.Length);
        return _sendQueue.Writer.TryWrite(frame);
    }

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Writes queued frames until the connection closes; a write that takes longer than NetworkTimeouts.Send closes it.</summary>
    internal async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _sendQueue.Reader.ReadAllAsync(_closed.Token))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
                timeout.CancelAfter(_timeouts.Send);
                await _stream.WriteAsync(frame, timeout.Token);
                Interlocked.Add(ref _queuedBytes, -frame.Length);
                Interlocked.Add(ref _bytesSent, frame.Length);
                LastSend = DateTimeOffset.UtcNow;
            }
        }
        catch (OperationCanceledException)
        {
            Disconnect(_closed.IsCancellationRequested ? DisconnectReason ?? "closed" : $"a send took longer than {_timeouts.Send.TotalSeconds} s");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Disconnect($"send failed: {e.Message}");
        }
    }

    /// <summary>
    /// Reads one framed message: waits up to <paramref name="idle"/> for its first byte, then NetworkTimeouts.MessageRead
    /// for the rest (a slow drip fails here), checks magic, command, length (before allocating) and checksum.
    /// Returns null when the peer closed the connection cleanly between messages.
    /// </summary>
    /// <exception cref="PeerMisbehaviourException">The peer broke the framing, or was too slow.</exception>
    /// <exception cref="EndOfStreamException">The connection closed inside a message.</exception>
    internal async Task<(string Command, byte[] Payload)?> ReadMessageAsync(TimeSpan idle)
    {
        var header = new byte[MessageHeader.Size];
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token))
        {
            wait.CancelAfter(idle);
            int first;
            try
            {
                first = await _stream.ReadAsync(header.AsMemory(0, 1), wait.Token);
            }
            catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
            {
                throw new PeerMisbehaviourException(MisbehaviourKind.Timeout, $"no message for {idle.TotalSeconds:0} s");
            }
            if (first == 0) return null;
        }
        using var read = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        read.CancelAfter(_timeouts.MessageRead);
        try
        {
            await ReadExactAsync(header.AsMemory(1), read.Token, "message header");
            var parsed = MessageHeader.Parse(header, _magic, HandshakeComplete ? ProtocolLimits.MaxMessageBytes : ProtocolLimits.MaxHandshakeMessageBytes);
            var payload = new byte[parsed.Length];
            await ReadExactAsync(payload, read.Token, $"'{parsed.Command}' payload of {parsed.Length} bytes");
            if (MessageHeader.ChecksumOf(payload) != parsed.Checksum)
                throw new PeerMisbehaviourException(MisbehaviourKind.BadChecksum, $"'{parsed.Command}' ({parsed.Length} bytes): checksum mismatch");
            int total = MessageHeader.Size + payload.Length;
            Interlocked.Add(ref _bytesReceived, total);
            BytesReceivedPerMessage.AddOrUpdate(parsed.Command, total, (_, sum) => sum + total);
            LastReceive = DateTimeOffset.UtcNow;
            return (parsed.Command, payload);
        }
        catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
        {
            throw new PeerMisbehaviourException(MisbehaviourKind.Timeout, $"a message took longer than {_timeouts.MessageRead.TotalSeconds:0} s to arrive (slow drip)");
        }
    }

    private async Task ReadExactAsync(Memory<byte> buffer, CancellationToken cancellation, string what)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer[done..], cancellation);
            // A connection that ends mid-message is lost, not malformed: a peer that crashes or loses its link while
            // sending is disconnected, never banned (what it sent so far is discarded unread).
            if (n == 0) throw new EndOfStreamException($"the connection closed inside a message ({what}: {done} of {buffer.Length} bytes)");
            done += n;
        }
    }

    /// <summary>Closes the connection (idempotent); the first reason given is kept.</summary>
    public void Disconnect(string reason)
    {
        if (Interlocked.Exchange(ref _disconnecting, 1) != 0) return;
        DisconnectReason = reason;
        _sendQueue.Writer.TryComplete();
        _closed.Cancel();
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _stream.Dispose();
    }

    public override string ToString() => $"peer {Id} ({RemoteEndPoint}, {(Inbound ? "inbound" : "outbound")})";
}

/// <summary>A set that forgets its oldest member past a capacity (per-peer known inventory).</summary>
internal sealed class BoundedHashSet(int capacity)
{
    private readonly HashSet<Hash256> _set = [];
    private readonly Queue<Hash256> _order = new();

    public bool Contains(Hash256 hash)
    {
        lock (_set) return _set.Contains(hash);
    }

    public void Clear()
    {
        lock (_set)
        {
            _set.Clear();
            _order.Clear();
        }
    }

    public void Add(Hash256 hash)
    {
        lock (_set)
        {
            if (!_set.Add(hash)) return;
            _order.Enqueue(hash);
            while (_set.Count > capacity) _set.Remove(_order.Dequeue());
        }
    }
}
