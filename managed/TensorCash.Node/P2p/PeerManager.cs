using System.Net;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Hosting;
using TensorCash.Node.Storage;
using TensorCash.Node.Mining;
using TensorCash.Node.P2p.Protocol;
using TensorCash.Node.P2p.Sync;
using TensorCash.Proving.Replay;

namespace TensorCash.Node.P2p;

/// <summary>
/// What the node does with each message (Bitcoin Core's net_processing): the handshake, pings, addresses, headers and
/// block download (through <see cref="BlockSync"/>), transaction relay through mempool admission, block announcements,
/// and fraud proofs. Every message is handled on its peer's read task; anything a peer does wrong becomes a
/// <see cref="PeerMisbehaviourException"/>, which the <see cref="ConnectionManager"/> turns into a disconnect or a ban.
/// </summary>
public sealed class PeerManager
{
    /// <summary>Transactions recently refused by the mempool, not requested again until the tip moves (Bitcoin's recentRejects).</summary>
    public const int MaxRecentRejects = 50_000;

    /// <summary>Blocks announced at once after a tip change; a peer that needs more asks with getheaders.</summary>
    public const int MaxAnnouncedHeaders = 8;

    private readonly ConnectionManager _connections;
    private readonly ChainState _chain;
    private readonly ChainParams _parameters;
    private readonly NodeMempool _mempool;
    private readonly BlockProofVerifier _verifier;
    private readonly BoundedHashSet _recentRejects = new(MaxRecentRejects);
    private readonly BoundedHashSet _relayedFraudProofs = new(1024);

    internal PeerManager(ConnectionManager connections, ChainState chain, ChainParams parameters, NodeMempool mempool, BlockProofVerifier verifier)
    {
        _connections = connections;
        _chain = chain;
        _parameters = parameters;
        _mempool = mempool;
        _verifier = verifier;
        Sync = new BlockSync(chain, parameters);
    }

    internal BlockSync Sync { get; }

    /// <summary>Raised after a fraud proof from a peer made this node invalidate a block.</summary>
    public event Action<Hash256>? FraudProofApplied;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    // ---------------------------------------------------------------- handshake

    internal VersionMessage OurVersion(Peer peer) => new(ProtocolLimits.ProtocolVersion,
        ServiceFlags.Network | (_verifier.ReplayPositions == 0 ? ServiceFlags.FullReplay : ServiceFlags.None),
        Now(), peer.LocalNonce, _connections.UserAgent, _chain.Tip.Height, (ushort)_connections.ListenPort, Relay: true);

    internal void Process(Peer peer, NetworkMessage message)
    {
        if (message is VersionMessage version)
        {
            OnVersion(peer, version);
            return;
        }
        if (peer.Version is null)
            throw new PeerMisbehaviourException(MisbehaviourKind.Handshake, $"'{message.Command}' before version");
        if (message is EmptyMessage { Name: EmptyMessage.Verack })
        {
            OnVerack(peer);
            return;
        }
        if (!peer.HandshakeComplete)
            throw new PeerMisbehaviourException(MisbehaviourKind.Handshake, $"'{message.Command}' before verack");
        switch (message)
        {
            case PingMessage { IsPong: false } ping: peer.Send(ping with { IsPong = true }); break;
            case PingMessage pong: OnPong(peer, pong); break;
            case EmptyMessage { Name: EmptyMessage.GetAddr }: OnGetAddr(peer); break;
            case AddrMessage addr: OnAddr(peer, addr); break;
            case InventoryMessage { Name: InventoryMessage.Inv } inv: OnInv(peer, inv); break;
            case InventoryMessage { Name: InventoryMessage.GetData } getData: OnGetData(peer, getData); break;
            case InventoryMessage: break; // notfound: the request is retried from another peer when it times out
            case GetHeadersMessage getHeaders: OnGetHeaders(peer, getHeaders); break;
            case HeadersMessage headers: OnHeaders(peer, headers); break;
            case BlockMessage block: OnBlock(peer, block.Block); break;
            case TransactionMessage tx: OnTransaction(peer, tx.Transaction); break;
            case FraudProofMessage fraud: OnFraudProof(peer, fraud); break;
            default: break; // unknown commands are ignored, so newer peers can add messages
        }
    }

    private void OnVersion(Peer peer, VersionMessage version)
    {
        if (peer.Version is not null) throw new PeerMisbehaviourException(MisbehaviourKind.Handshake, "a second version message");
        if (peer.Inbound && _connections.IsOwnNonce(version.Nonce))
        {
            peer.Disconnect("connected to itself (the version nonce is one of this node's)");
            return;
        }
        if (version.Version < ProtocolLimits.MinPeerVersion)
        {
            peer.Disconnect($"protocol version {version.Version} is below {ProtocolLimits.MinPeerVersion}");
            return;
        }
        peer.Version = version;
        if (!peer.VersionSent)
        {
            peer.VersionSent = true;
            peer.Send(OurVersion(peer));
        }
        peer.Send(new EmptyMessage(EmptyMessage.Verack));
    }

    private void OnVerack(Peer peer)
    {
        if (peer.HandshakeComplete) return;
        peer.HandshakeComplete = true;
        _connections.HandshakeCompleted(peer);
        if (!peer.Inbound) peer.Send(new EmptyMessage(EmptyMessage.GetAddr));
        if ((peer.Version!.Services & ServiceFlags.Network) != 0) RequestHeaders(peer);
    }

    private void RequestHeaders(Peer peer) => peer.Send(new GetHeadersMessage(ProtocolLimits.ProtocolVersion, _chain.GetLocator(), Hash256.Zero));

    private static void OnPong(Peer peer, PingMessage pong)
    {
        if (peer.PingNonce != pong.Nonce) return; // an old or unsolicited pong
        peer.PingTime = DateTimeOffset.UtcNow - peer.PingSentAt;
        peer.PingNonce = null;
    }

    // ---------------------------------------------------------------- addresses

    private void OnGetAddr(Peer peer)
    {
        // Answered once per connection, and only to inbound peers (as Bitcoin Core): a node cannot be scraped repeatedly.
        if (!peer.Inbound || peer.AnsweredGetAddr) return;
        peer.AnsweredGetAddr = true;
        var addresses = _connections.Addresses.GetAddresses(ProtocolLimits.MaxAddrEntries)
            .Select(a => new WireAddress((uint)a.LastSeenUnix, (ServiceFlags)a.Services, a.Endpoint)).ToList();
        if (addresses.Count > 0) peer.Send(new AddrMessage(addresses));
    }

    private void OnAddr(Peer peer, AddrMessage addr)
    {
        // Token bucket: a burst of MaxAddrEntries, then AddrRatePerSecond; the excess is dropped, not punished.
        var now = DateTimeOffset.UtcNow;
        peer.AddrTokens = Math.Min(ProtocolLimits.MaxAddrEntries, peer.AddrTokens + (now - peer.AddrTokensAt).TotalSeconds * ProtocolLimits.AddrRatePerSecond);
        peer.AddrTokensAt = now;
        int allowed = (int)Math.Min(addr.Addresses.Count, Math.Floor(peer.AddrTokens));
        peer.AddrTokens -= allowed;
        peer.AddrDropped += addr.Addresses.Count - allowed;
        if (allowed == 0) return;
        _connections.Addresses.Add(addr.Addresses.Take(allowed).Select(a => new PeerAddress(a.Endpoint, (ulong)a.Services, a.Time)), peer.RemoteEndPoint.Address);
    }

    // ---------------------------------------------------------------- inventory and transactions

    private void OnInv(Peer peer, InventoryMessage inv)
    {
        var wanted = new List<InventoryItem>();
        bool unknownBlock = false;
        foreach (var item in inv.Items)
        {
            peer.KnownInventory.Add(item.Hash);
            if (item.Type == InventoryType.Block)
            {
                unknownBlock |= !Sync.IsKnown(item.Hash);
                continue;
            }
            if (_mempool.Pool.Contains(item.Hash) || _recentRejects.Contains(item.Hash)) continue;
            lock (peer.TransactionsInFlight)
            {
                if (peer.TransactionsInFlight.Count >= ProtocolLimits.MaxTransactionsInFlightPerPeer || !peer.TransactionsInFlight.Add(item.Hash)) continue;
            }
            wanted.Add(item);
        }
        if (wanted.Count > 0) peer.Send(new InventoryMessage(InventoryMessage.GetData, wanted));
        if (unknownBlock) RequestHeaders(peer); // blocks travel as proof-carrying headers first
    }

    private void OnGetData(Peer peer, InventoryMessage getData)
    {
        var missing = new List<InventoryItem>();
        foreach (var item in getData.Items)
        {
            if (peer.IsDisconnecting) return;
            if (peer.QueuedBytes > Peer.MaxSendQueueBytes / 2)
            {
                missing.Add(item); // the peer reads slower than it asks: it asks again later
                continue;
            }
            if (item.Type == InventoryType.Transaction && _mempool.Pool.GetEntry(item.Hash) is { } entry)
                peer.Send(new TransactionMessage(entry.Transaction));
            else if (item.Type == InventoryType.Block && _chain.GetBlockStatus(item.Hash) is { } status && (status & BlockStatus.FailedMask) == 0 && _chain.GetBlock(item.Hash) is { } block)
                peer.Send(new BlockMessage(block));
            else
                missing.Add(item);
        }
        if (missing.Count > 0) peer.Send(new InventoryMessage(InventoryMessage.NotFound, missing));
    }

    private void OnTransaction(Peer peer, Transaction tx)
    {
        var txid = tx.Txid;
        lock (peer.TransactionsInFlight) peer.TransactionsInFlight.Remove(txid);
        peer.KnownInventory.Add(txid);
        peer.LastTransactionReceived = DateTimeOffset.UtcNow;
        if (_mempool.Pool.Contains(txid) || _recentRejects.Contains(txid)) return;
        var result = _mempool.Submit(tx); // relayed through the mempool's TransactionAccepted event
        if (!result.Accepted) _recentRejects.Add(txid);
    }

    /// <summary>Announces a transaction the mempool accepted to every peer that does not have it.</summary>
    internal void RelayTransaction(Transaction tx)
    {
        var item = new InventoryItem(InventoryType.Transaction, tx.Txid);
        foreach (var peer in _connections.ReadyPeers())
        {
            if (peer.Version?.Relay != true || peer.KnownInventory.Contains(item.Hash)) continue;
            peer.KnownInventory.Add(item.Hash);
            peer.Send(new InventoryMessage(InventoryMessage.Inv, [item]));
        }
    }

    /// <summary>The tip moved: transactions refused before may be valid now.</summary>
    internal void TipChanged() => _recentRejects.Clear();

    // ---------------------------------------------------------------- headers and blocks

    private void OnGetHeaders(Peer peer, GetHeadersMessage request)
    {
        int fork = _chain.FindLocatorFork(request.Locator);
        var headers = new List<ProofCarryingHeader>();
        long bytes = 0;
        for (int height = fork + 1; headers.Count < ProtocolLimits.MaxHeadersPerMessage; height++)
        {
            if (_chain.GetBlockHash(height) is not { } hash || _chain.GetBlock(hash) is not { } block) break;
            var entry = ProofCarryingHeader.Of(block);
            if (headers.Count > 0 && bytes + entry.EncodedSize > ProtocolLimits.MaxHeadersPayloadBytes) break;
            headers.Add(entry);
            bytes += entry.EncodedSize;
            peer.KnownInventory.Add(hash);
            if (hash == request.Stop) break;
        }
        peer.Send(new HeadersMessage(headers));
    }

    private void OnHeaders(Peer peer, HeadersMessage message)
    {
        var outcome = Sync.ProcessHeaders(peer, message.Headers, Now());
        if (!outcome.Connected)
        {
            RequestHeaders(peer); // a reorganisation deeper than one announcement: ask from our locator
            return;
        }
        int payload = message.Headers.Sum(h => h.EncodedSize);
        bool full = message.Headers.Count == ProtocolLimits.MaxHeadersPerMessage || payload >= ProtocolLimits.MaxHeadersPayloadBytes / 2;
        // A deferred batch (a header's model unknown to our approximate registry) is asked for again once its parent's
        // block is stored (ResumeDeferredHeaders), not now: the blocks below it come first.
        if (full && outcome.DeferredAfter is null && outcome.Last is { } last)
            peer.Send(new GetHeadersMessage(ProtocolLimits.ProtocolVersion, [last.Hash], Hash256.Zero));
        RequestBlocks();
        ResumeDeferredHeaders(); // the parent may have been stored meanwhile
    }

    /// <summary>
    /// Asks again for the headers of peers whose header sync stopped at a header our approximate registry could not
    /// check, now that the block before it is stored (so its registry is exact): from that block, then our locator.
    /// </summary>
    internal void ResumeDeferredHeaders()
    {
        foreach (var (peer, from) in Sync.TakeResumable())
        {
            if (peer.IsDisconnecting) continue;
            peer.Send(new GetHeadersMessage(ProtocolLimits.ProtocolVersion, [from, .. _chain.GetLocator()], Hash256.Zero));
        }
    }

    /// <summary>Sends the block requests <see cref="BlockSync.PlanRequests"/> chooses.</summary>
    internal void RequestBlocks()
    {
        foreach (var (peer, hashes) in Sync.PlanRequests(_connections.ReadyPeers()))
            peer.Send(new InventoryMessage(InventoryMessage.GetData, hashes.Select(h => new InventoryItem(InventoryType.Block, h)).ToList()));
    }

    private void OnBlock(Peer peer, Block block)
    {
        var hash = block.Header.Hash;
        peer.KnownInventory.Add(hash);
        bool requested = Sync.TakeRequest(peer, hash);
        if (_chain.GetStoredHeader(hash) is not null) return; // already have it
        if (!Sync.IsKnown(hash))
        {
            // Unannounced: its header goes through the same checks as a proof-carrying header first.
            if (Sync.FindHeader(block.Header.PrevBlock) is null)
                throw new PeerMisbehaviourException(MisbehaviourKind.UnrequestedBlock, $"block {hash} was never asked for and its parent is unknown");
            var outcome = Sync.ProcessHeaders(peer, [ProofCarryingHeader.Of(block)], Now());
            if (outcome.New == 0 && !Sync.IsKnown(hash)) return;
        }
        if (!requested && Sync.FindHeader(hash) is { } entry && entry.ChainWork <= _chain.Tip.ChainWork)
            return; // unrequested and it would not move the tip: not stored (anti-low-work-fork, as Bitcoin Core's fHasMoreOrSameWork)
        if (Sync.HoldUnlessParentStored(block, peer)) return;
        AcceptWithHeldChildren([(block, peer)]);
        RequestBlocks();
    }

    /// <summary>Blocks held for a parent that got stored by another path (run by the periodic tick), and deferred headers that can go on.</summary>
    internal void ProcessReadyBlocks()
    {
        AcceptWithHeldChildren(Sync.TakeReady());
        ResumeDeferredHeaders();
    }

    /// <summary>Accepts each block, then the held blocks waiting for it, breadth first.</summary>
    private void AcceptWithHeldChildren(IEnumerable<(Block Block, Peer From)> ready)
    {
        var pending = new Queue<(Block, Peer)>(ready);
        bool stored = false;
        while (pending.Count > 0)
        {
            var (next, from) = pending.Dequeue();
            if (!Accept(next, from)) continue;
            stored = true;
            foreach (var child in Sync.TakeChildren(next.Header.Hash)) pending.Enqueue(child);
        }
        if (stored) ResumeDeferredHeaders();
    }

    /// <summary>Hands one block to the chainstate; true when it is stored. A block that breaks a rule bans its sender.</summary>
    private bool Accept(Block block, Peer from)
    {
        var hash = block.Header.Hash;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = _chain.AcceptBlock(block, Now());
        Interlocked.Add(ref Sync.VerifyTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref Sync.BlocksProcessed);
        from.LastBlockReceived = DateTimeOffset.UtcNow;
        switch (result.Status)
        {
            case BlockAcceptStatus.ActiveChain or BlockAcceptStatus.SideChain:
                Sync.Stored(hash);
                return true;
            case BlockAcceptStatus.Unverified:
                return false; // this node lacks the model: neither valid nor the sender's fault
            case BlockAcceptStatus.Rejected when result.Violation!.Reason is "duplicate" or "prev-blk-not-found" or "time-too-new":
                return result.Violation.Reason == "duplicate";
            default:
                Sync.Failed(hash);
                if (_verifier.GetFraudProof(hash) is { } fraud) BroadcastFraudProof(hash, fraud, except: null);
                // A node that samples its replay (no FullReplay service) can honestly relay a block with one edited step it did
                // not check (the miner paid for the other steps' inference): it stays connected to get the fraud proof, and is
                // banned only if it keeps doing it. Every other rule is checked in full by every node.
                var kind = result.Violation!.Reason == ChainState.ReplayFailedReason && (from.Version!.Services & ServiceFlags.FullReplay) == 0
                    ? MisbehaviourKind.ReplayFailedFromSampler : MisbehaviourKind.InvalidBlock;
                _connections.Misbehaving(from, kind, $"block {hash}: {result.Violation.Reason}: {result.Violation.Message}");
                return false;
        }
    }

    /// <summary>Announces the new tip (and up to <see cref="MaxAnnouncedHeaders"/> blocks before it) as proof-carrying headers.</summary>
    internal void AnnounceTip(ChainTip tip)
    {
        var best = Sync.BestHeader;
        if (best.Hash != tip.Hash) return; // still downloading a better chain: announcing each block would flood peers
        var blocks = new List<Block>();
        for (int height = tip.Height; height > 0 && blocks.Count < MaxAnnouncedHeaders; height--)
        {
            if (_chain.GetBlockHash(height) is not { } hash || _chain.GetBlock(hash) is not { } block) break;
            blocks.Add(block);
        }
        blocks.Reverse();
        foreach (var peer in _connections.ReadyPeers())
        {
            if (peer.KnownInventory.Contains(tip.Hash)) continue;
            var unknown = blocks.SkipWhile(b => peer.KnownInventory.Contains(b.Header.Hash)).ToList();
            foreach (var b in unknown) peer.KnownInventory.Add(b.Header.Hash);
            peer.Send(new HeadersMessage(unknown.Select(b => ProofCarryingHeader.Of(b)).ToList()));
        }
    }

    // ---------------------------------------------------------------- fraud proofs

    private void OnFraudProof(Peer peer, FraudProofMessage message)
    {
        ReplayChallenge challenge;
        try
        {
            challenge = ReplayChallengeCodec.Decode(message.Challenge);
        }
        catch (ReplayChallengeFormatException e)
        {
            throw new PeerMisbehaviourException(MisbehaviourKind.Malformed, $"fraud proof for {message.BlockHash} does not decode: {e.Message}");
        }
        if (_relayedFraudProofs.Contains(message.BlockHash)) return;
        var header = Sync.FindHeader(message.BlockHash);
        if (header is null || !_verifier.Holds(header.Header.ModelId)) return; // cannot check it: neither act nor relay
        if (header.Failed) return;
        var registered = Sync.RegistryForChildOf(header.Header.PrevBlock)?.Find(header.Header.ModelId)?.ToRegisteredModel();
        var verdict = _verifier.CheckFraudProof(challenge, header.Header, header.Height, registered);
        if (!verdict.Confirmed)
            throw new PeerMisbehaviourException(MisbehaviourKind.BadFraudProof, $"fraud proof for block {message.BlockHash}: {verdict.Message}");
        var violation = new RuleViolation(ChainState.ReplayFailedReason,
            $"block {message.BlockHash} at height {header.Height}: fraud proof from {peer.RemoteEndPoint} confirmed at step {challenge.Step}: {verdict.Message}");
        if (_chain.GetStoredHeader(message.BlockHash) is not null) _chain.InvalidateBlock(message.BlockHash, violation);
        Sync.Failed(message.BlockHash);
        BroadcastFraudProof(message.BlockHash, message.Challenge, except: peer);
        FraudProofApplied?.Invoke(message.BlockHash);
    }

    private void BroadcastFraudProof(Hash256 block, byte[] challenge, Peer? except)
    {
        if (_relayedFraudProofs.Contains(block)) return;
        _relayedFraudProofs.Add(block);
        foreach (var peer in _connections.ReadyPeers())
            if (peer != except) peer.Send(new FraudProofMessage(block, challenge));
    }
}
