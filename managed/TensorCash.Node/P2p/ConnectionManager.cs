using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Node.P2p;

/// <summary>
/// The node's connections (Bitcoin Core's CConnman): the listener, outbound connections (--connect only, else
/// --addnode and RPC addnode peers plus automatic ones from the address table up to MaxOutbound), the connection
/// limits and inbound eviction, bans, one read task per peer, and a once-a-second tick for timeouts, pings, stalled
/// downloads and the sync progress line. A peer's misbehaviour is scored here (<see cref="Misbehaving"/>); nothing a
/// peer sends can throw out of this class.
/// </summary>
public sealed class ConnectionManager : IAsyncDisposable
{
    /// <summary>DATADIR/p2p.port: the port the node listens on, for clients of a node started with --port 0.</summary>
    public const string PortFileName = "p2p.port";

    /// <summary>Inbound peers protected from eviction for the lowest ping, and again for the most recent block relayed.</summary>
    public const int EvictionProtectedPerCriterion = 4;

    private readonly P2pOptions _options;
    private readonly ChainParams _parameters;
    private readonly ChainState _chain;
    private readonly string _dataDirectory;
    private readonly Lock _lock = new();
    private readonly List<Peer> _peers = [];
    private readonly HashSet<IPEndPoint> _addedNodes = [];
    private readonly HashSet<IPEndPoint> _dialling = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private TcpListener? _listener;
    private long _nextPeerId;
    private DateTimeOffset _lastProgress = DateTimeOffset.UtcNow;
    private long _progressBlocks;
    private long _progressVerifyTicks;

    internal ConnectionManager(P2pOptions options, ChainParams parameters, ChainState chain, NodeMempool mempool, BlockProofVerifier verifier, string dataDirectory)
    {
        _options = options;
        _parameters = parameters;
        _chain = chain;
        _dataDirectory = dataDirectory;
        Addresses = new AddressManager(dataDirectory);
        Bans = new BanList(dataDirectory);
        Peers = new PeerManager(this, chain, parameters, mempool, verifier);
        foreach (var endpoint in options.AddNodes) _addedNodes.Add(endpoint);
        chain.TipChanged += OnTipChanged;
        mempool.TransactionAccepted += tx => Peers.RelayTransaction(tx);
    }

    public PeerManager Peers { get; }
    public AddressManager Addresses { get; }
    public BanList Bans { get; }
    public string UserAgent { get; } = $"/TensorCash:{typeof(ConnectionManager).Assembly.GetName().Version?.ToString(3) ?? "0"}/";
    /// <summary>The port the listener is bound to (0 when not listening).</summary>
    public int ListenPort { get; private set; }
    public P2pOptions Options => _options;
    public long TotalBytesSent { get; private set; }
    public long TotalBytesReceived { get; private set; }

    /// <summary>A line for the node's log (the CLI prints it).</summary>
    public event Action<string>? Log;

    /// <summary>Binds the listener (when asked), then starts the accept, outbound and tick loops.</summary>
    /// <exception cref="SocketException">The port is in use or cannot be bound.</exception>
    public void Start()
    {
        if (Addresses.LoadWarning is { } addrWarning) Log?.Invoke($"p2p: {addrWarning}");
        if (Bans.LoadWarning is { } banWarning) Log?.Invoke($"p2p: {banWarning}");
        if (_options.Listen)
        {
            _listener = new TcpListener(_options.Bind, _options.Port ?? _parameters.DefaultP2pPort);
            _listener.Start();
            ListenPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
            File.WriteAllText(Path.Combine(_dataDirectory, PortFileName), ListenPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _tasks.Add(Task.Run(AcceptLoopAsync));
        }
        _tasks.Add(Task.Run(OutboundLoopAsync));
        _tasks.Add(Task.Run(TickLoopAsync));
    }

    /// <summary>Peers that completed the handshake.</summary>
    public IReadOnlyList<Peer> ReadyPeers()
    {
        lock (_lock) return _peers.Where(p => p.HandshakeComplete && !p.IsDisconnecting).ToList();
    }

    public IReadOnlyList<Peer> AllPeers()
    {
        lock (_lock) return _peers.ToList();
    }

    /// <summary>The endpoints added with --addnode or the addnode RPC.</summary>
    public IReadOnlyList<IPEndPoint> AddedNodes()
    {
        lock (_lock) return _addedNodes.ToList();
    }

    internal bool IsOwnNonce(ulong nonce)
    {
        lock (_lock) return _peers.Any(p => !p.Inbound && p.LocalNonce == nonce);
    }

    // ---------------------------------------------------------------- operator actions (RPC)

    /// <summary>addnode "add": keep connected; "remove": stop; "onetry": connect once now.</summary>
    public void AddNode(IPEndPoint endpoint, string command)
    {
        switch (command)
        {
            case "add":
                lock (_lock)
                    if (!_addedNodes.Add(endpoint)) throw new InvalidOperationException($"{endpoint} is already added");
                break;
            case "remove":
                lock (_lock)
                    if (!_addedNodes.Remove(endpoint)) throw new InvalidOperationException($"{endpoint} was not added");
                break;
            case "onetry":
                _ = Task.Run(() => ConnectAsync(endpoint, manual: true));
                break;
            default:
                throw new ArgumentException($"addnode: command '{command}' is not add, remove or onetry");
        }
    }

    /// <summary>Disconnects peers at <paramref name="endpoint"/> (or with id <paramref name="id"/>); false when none matched.</summary>
    public bool DisconnectNode(IPEndPoint? endpoint, long? id)
    {
        var matches = AllPeers().Where(p => !p.IsDisconnecting && ((endpoint is not null && p.RemoteEndPoint.Equals(endpoint)) || (id is { } n && p.Id == n))).ToList();
        foreach (var peer in matches) peer.Disconnect("disconnectnode RPC");
        return matches.Count > 0;
    }

    /// <summary>setban add: bans the subnet and disconnects its peers.</summary>
    public bool Ban(string subnet, TimeSpan? duration, string reason)
    {
        bool added = Bans.Ban(subnet, duration, reason);
        foreach (var peer in AllPeers())
            if (Bans.IsBanned(peer.RemoteEndPoint.Address)) peer.Disconnect($"banned ({subnet})");
        return added;
    }

    // ---------------------------------------------------------------- misbehaviour

    /// <summary>
    /// Scores a peer's misbehaviour (Misbehaviour.Score): at ProtocolLimits.BanScore it is banned for the default
    /// duration (a loopback peer only when P2pOptions.BanLocalPeers, a manual peer never) and disconnected; kinds that
    /// always disconnect do so below it too.
    /// </summary>
    public void Misbehaving(Peer peer, MisbehaviourKind kind, string reason)
    {
        int score;
        lock (_lock) score = peer.MisbehaviourScore += Misbehaviour.Score(kind);
        bool ban = score >= ProtocolLimits.BanScore && !peer.Manual && (_options.BanLocalPeers || !IPAddress.IsLoopback(peer.RemoteEndPoint.Address));
        Log?.Invoke($"p2p: {peer} misbehaved ({kind}, score {score}): {reason}{(ban ? "; banned" : "")}");
        if (ban) Bans.Ban(peer.RemoteEndPoint.Address.ToString(), null, $"{kind}: {Truncate(reason, 200)}");
        if (ban || score >= ProtocolLimits.BanScore || Misbehaviour.Disconnects(kind)) peer.Disconnect($"{kind}: {Truncate(reason, 200)}");
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    // ---------------------------------------------------------------- connections

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { continue; }
            catch (ObjectDisposedException) { return; }
            if (Bans.IsBanned(((IPEndPoint)socket.RemoteEndPoint!).Address) || !MakeInboundRoom())
            {
                socket.Dispose();
                continue;
            }
            StartPeer(socket, inbound: true, manual: false);
        }
    }

    /// <summary>
    /// True when an inbound connection may be added: below the limit, or after evicting one inbound peer (Bitcoin
    /// Core's AttemptToEvictConnection, simplified): the <see cref="EvictionProtectedPerCriterion"/> fastest and the
    /// same number that most recently relayed a block are protected; the youngest of the rest goes.
    /// </summary>
    private bool MakeInboundRoom()
    {
        Peer? victim;
        lock (_lock)
        {
            if (_peers.Count(p => !p.IsDisconnecting) < _options.MaxConnections) return true;
            var candidates = _peers.Where(p => p.Inbound && !p.Manual && !p.IsDisconnecting).ToList();
            var protectedPeers = candidates.OrderBy(p => p.PingTime ?? TimeSpan.MaxValue).Take(EvictionProtectedPerCriterion)
                .Concat(candidates.OrderByDescending(p => p.LastBlockReceived ?? DateTimeOffset.MinValue).Take(EvictionProtectedPerCriterion)).ToHashSet();
            victim = candidates.Where(p => !protectedPeers.Contains(p)).OrderByDescending(p => p.ConnectedAt).FirstOrDefault();
        }
        if (victim is null) return false;
        victim.Disconnect("evicted to make room for an inbound connection");
        return true;
    }

    private async Task OutboundLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var targets = new List<(IPEndPoint, bool Manual)>();
                var connected = AllPeers().Select(p => p.RemoteEndPoint).ToHashSet();
                var manual = _options.Connect.Count > 0 ? _options.Connect : AddedNodes();
                foreach (var endpoint in manual)
                    if (!connected.Contains(endpoint)) targets.Add((endpoint, true));
                if (_options.Connect.Count == 0)
                {
                    int outbound = AllPeers().Count(p => !p.Inbound && !p.Manual);
                    var exclude = new HashSet<IPEndPoint>(connected);
                    if (ListenPort != 0) exclude.Add(new IPEndPoint(IPAddress.Loopback, ListenPort));
                    while (outbound++ < _options.MaxOutbound && Addresses.Select(exclude) is { } candidate)
                    {
                        exclude.Add(candidate.Endpoint);
                        if (!Bans.IsBanned(candidate.Endpoint.Address)) targets.Add((candidate.Endpoint, false));
                    }
                }
                await Task.WhenAll(targets.Select(t => ConnectAsync(t.Item1, t.Manual)));
                await Task.Delay(_options.Timeouts.ConnectRetry, _stop.Token);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                Log?.Invoke($"p2p: outbound connections: {e.Message}");
            }
        }
    }

    private async Task ConnectAsync(IPEndPoint endpoint, bool manual)
    {
        lock (_lock)
        {
            if (!_dialling.Add(endpoint)) return;
            if (_peers.Count(p => !p.IsDisconnecting) >= _options.MaxConnections) { _dialling.Remove(endpoint); return; }
        }
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (!manual) Addresses.MarkAttempt(endpoint);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.Timeouts.Connect);
            await socket.ConnectAsync(endpoint, timeout.Token);
            StartPeer(socket, inbound: false, manual);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            socket.Dispose();
        }
        finally
        {
            lock (_lock) _dialling.Remove(endpoint);
        }
    }

    private void StartPeer(Socket socket, bool inbound, bool manual)
    {
        Peer peer;
        lock (_lock)
        {
            peer = new Peer(++_nextPeerId, socket, inbound, manual, _parameters.MessageStart, _options.Timeouts)
            {
                LocalNonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)),
            };
            _peers.Add(peer);
        }
        _ = Task.Run(peer.WriteLoopAsync);
        _ = Task.Run(() => RunPeerAsync(peer));
    }

    private async Task RunPeerAsync(Peer peer)
    {
        try
        {
            if (!peer.Inbound)
            {
                peer.VersionSent = true;
                peer.Send(Peers.OurVersion(peer));
            }
            while (!peer.IsDisconnecting)
            {
                var idle = peer.HandshakeComplete ? _options.Timeouts.Inactivity : _options.Timeouts.Handshake;
                var message = await peer.ReadMessageAsync(idle);
                if (message is null)
                {
                    peer.Disconnect("the peer closed the connection");
                    break;
                }
                var decoded = MessageDecoder.Decode(message.Value.Command, message.Value.Payload);
                Peers.Process(peer, decoded);
            }
        }
        catch (PeerMisbehaviourException e)
        {
            Misbehaving(peer, e.Kind, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            peer.Disconnect($"connection lost: {e.Message}");
        }
        catch (Exception e)
        {
            // A bug of ours, not the peer's: drop the peer, keep the node.
            Log?.Invoke($"p2p: {peer}: unexpected {e.GetType().Name} handling its messages: {e.Message}");
            peer.Disconnect($"internal error: {e.Message}");
        }
        finally
        {
            peer.Disconnect(peer.DisconnectReason ?? "closed");
            lock (_lock)
            {
                _peers.Remove(peer);
                TotalBytesSent += peer.BytesSent;
                TotalBytesReceived += peer.BytesReceived;
            }
            Peers.Sync.PeerGone(peer);
            if (!_stop.IsCancellationRequested)
            {
                Log?.Invoke($"p2p: {peer} disconnected: {peer.DisconnectReason}");
                Peers.RequestBlocks();
            }
        }
    }

    internal void HandshakeCompleted(Peer peer)
    {
        var version = peer.Version!;
        Log?.Invoke($"p2p: connected to {peer}, {version.UserAgent}, height {version.StartHeight}");
        if (!peer.Inbound) Addresses.MarkGood(peer.RemoteEndPoint);
        else if (version.ListenPort != 0)
            Addresses.Add([new PeerAddress(new IPEndPoint(peer.RemoteEndPoint.Address, version.ListenPort), (ulong)version.Services, DateTimeOffset.UtcNow.ToUnixTimeSeconds())], peer.RemoteEndPoint.Address);
    }

    // ---------------------------------------------------------------- periodic work

    private void OnTipChanged(ChainTip tip)
    {
        // Raised under the chainstate's lock: announce from a pool thread, which may read the chainstate.
        Peers.TipChanged();
        _ = Task.Run(() =>
        {
            try { Peers.AnnounceTip(_chain.Tip); }
            catch (Exception e) { Log?.Invoke($"p2p: announcing the tip: {e.Message}"); }
        });
    }

    private async Task TickLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token);
                Tick();
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                Log?.Invoke($"p2p: periodic work: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private void Tick()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var peer in AllPeers())
        {
            if (!peer.HandshakeComplete)
            {
                if (now - peer.ConnectedAt > _options.Timeouts.Handshake) Misbehaving(peer, MisbehaviourKind.Timeout, "no handshake in time");
                continue;
            }
            if (peer.PingNonce is null && now - peer.PingSentAt > _options.Timeouts.PingInterval)
            {
                peer.PingNonce = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
                peer.PingSentAt = now;
                peer.Send(new PingMessage(false, peer.PingNonce.Value));
            }
            else if (peer.PingNonce is not null && now - peer.PingSentAt > _options.Timeouts.Inactivity)
                Misbehaving(peer, MisbehaviourKind.Timeout, "no pong in time");
        }
        foreach (var staller in Peers.Sync.StalledPeers(_options.Timeouts.BlockRequest))
            Misbehaving(staller, MisbehaviourKind.Timeout, $"a requested block did not arrive within {_options.Timeouts.BlockRequest.TotalSeconds:0} s");
        Peers.ProcessReadyBlocks();
        Peers.RequestBlocks();
        ReportProgress(now);
    }

    private void ReportProgress(DateTimeOffset now)
    {
        if (now - _lastProgress < _options.ProgressInterval) return;
        long blocks = Interlocked.Read(ref Peers.Sync.BlocksProcessed);
        long ticks = Interlocked.Read(ref Peers.Sync.VerifyTicks);
        var best = Peers.Sync.BestHeader;
        var tip = _chain.Tip;
        double seconds = (now - _lastProgress).TotalSeconds;
        if (best.Height > tip.Height || blocks > _progressBlocks)
        {
            double rate = (blocks - _progressBlocks) / seconds;
            double verifyShare = (ticks - _progressVerifyTicks) / (double)System.Diagnostics.Stopwatch.Frequency / seconds;
            Log?.Invoke($"sync: height {tip.Height} of {best.Height} headers, {rate:0.0} blocks/s, {Math.Min(1, verifyShare):P0} of the time verifying, {ReadyPeers().Count} peers");
        }
        _lastProgress = now;
        _progressBlocks = blocks;
        _progressVerifyTicks = ticks;
    }

    public async ValueTask DisposeAsync()
    {
        _chain.TipChanged -= OnTipChanged;
        await _stop.CancelAsync();
        _listener?.Stop();
        foreach (var peer in AllPeers()) peer.Disconnect("shutting down");
        try { await Task.WhenAll(_tasks); }
        catch (OperationCanceledException) { }
        try { Addresses.Save(); }
        catch (Exception e) { Log?.Invoke($"p2p: saving the address table: {e.Message}"); }
        if (_options.Listen) File.Delete(Path.Combine(_dataDirectory, PortFileName));
        _stop.Dispose();
    }
}
