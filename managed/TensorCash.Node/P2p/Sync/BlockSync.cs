using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Node.Chainstate;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Node.P2p.Sync;

/// <summary>
/// What processing a headers message found. <see cref="DeferredAfter"/>: the batch stopped before a header whose model
/// the registry this node could use (the registry of its nearest stored ancestor, an approximation) does not have
/// Active; no fault of the peer. The hash is that header's parent: once its block is stored the registry is exact,
/// and headers are asked for again from there.
/// </summary>
internal sealed record HeadersOutcome(int New, StoredHeader? Last, bool Connected, Hash256? DeferredAfter = null);

/// <summary>
/// Headers-first sync (docs/protocol/p2p.md §6): checks proof-carrying headers into a <see cref="HeaderTree"/>, asks
/// peers for the blocks of the best header chain (several peers, a bounded number each, within a window), holds
/// blocks that arrive before their parent, and hands each block to the chainstate, which runs the full pipeline
/// (header and block rules, tier 1, replay). Anti-low-work-fork rule: blocks are requested only for a header chain
/// with more work than the active tip and at least ChainParams.MinimumChainWork, so a peer cannot make this node
/// download, let alone store, a fork that cannot overtake.
/// <para>
/// The model registry: a header is checked against the registry after its previous header. When that header's block is
/// stored, the chainstate has that registry (exact), and a header that breaks it is the peer's fault as any other.
/// When it is not (a header in the tree), the registry of the nearest stored ancestor stands in: registrations and
/// challenges in the blocks between are unknown, so it may lack a model the chain has activated meanwhile. A header
/// whose model that approximation calls unknown or inactive ("bad-model", "bad-model-inactive") is not held against the
/// peer: the batch stops there (<see cref="HeadersOutcome.DeferredAfter"/>), the blocks up to it are downloaded, and
/// the headers are asked for again once its parent is stored (<see cref="TakeResumable"/>).
/// </para>
/// <para>
/// Locking: one lock (<see cref="_lock"/>) guards the tree, the requests and the held blocks; it is never held while a
/// header's proof is checked or a block is validated, and it may take the chainstate's lock inside it (never the reverse).
/// </para>
/// </summary>
internal sealed class BlockSync
{
    private readonly Lock _lock = new();
    private readonly ChainState _chain;
    private readonly ChainParams _parameters;
    private readonly HeaderTree _tree;
    private readonly Dictionary<Hash256, (Peer Peer, DateTimeOffset RequestedAt)> _inFlight = new();
    private readonly Dictionary<Hash256, (Block Block, Peer From, long Bytes)> _held = new();
    private long _heldBytes;
    /// <summary>Peers whose headers stopped at a header whose parent (the key) is not stored yet: asked again once it is.</summary>
    private readonly Dictionary<Peer, Hash256> _deferred = new();

    public BlockSync(ChainState chain, ChainParams parameters)
    {
        _chain = chain;
        _parameters = parameters;
        _tree = new HeaderTree(chain);
    }

    /// <summary>Blocks received from peers and handed to the chainstate (for the sync progress line).</summary>
    public long BlocksProcessed;
    /// <summary>Time spent in the chainstate's block acceptance, mostly proof replay (for the progress line's verify share).</summary>
    public long VerifyTicks;

    /// <summary>Validated headers whose blocks are not stored yet.</summary>
    public int PendingHeaders
    {
        get { lock (_lock) return _tree.Count; }
    }

    public int BlocksInFlight
    {
        get { lock (_lock) return _inFlight.Count; }
    }

    /// <summary>The best validated header: the tree's best when it has more work than the tip, else the tip.</summary>
    public (Hash256 Hash, int Height) BestHeader
    {
        get
        {
            var tip = _chain.Tip;
            lock (_lock)
            {
                var best = _tree.Best();
                return best is not null && best.ChainWork > tip.ChainWork ? (best.Hash, best.Height) : (tip.Hash, tip.Height);
            }
        }
    }

    /// <summary>A block or header this node has checked (stored, or in the tree).</summary>
    public bool IsKnown(Hash256 hash)
    {
        lock (_lock) return _tree.Contains(hash) || _chain.GetStoredHeader(hash) is not null;
    }

    public StoredHeader? FindHeader(Hash256 hash)
    {
        lock (_lock) return _tree.Find(hash);
    }

    /// <summary>
    /// Checks a headers message from <paramref name="peer"/>: each header must follow the one before it, pass the header
    /// rules in its context and carry a proof that passes tier 1 (BlockProofRules.CheckProof). The checks run without
    /// the lock; the headers enter the tree after. A header that fails is the peer's fault.
    /// </summary>
    /// <exception cref="PeerMisbehaviourException">Non-continuous headers, a failing header, or too many unconnecting messages.</exception>
    public HeadersOutcome ProcessHeaders(Peer peer, IReadOnlyList<ProofCarryingHeader> headers, long adjustedNow)
    {
        if (headers.Count == 0) return new HeadersOutcome(0, null, true);
        StoredHeader? parent;
        lock (_lock) parent = _tree.Find(headers[0].Header.PrevBlock);
        if (parent is null)
        {
            peer.UnconnectingHeadersMessages++;
            if (peer.UnconnectingHeadersMessages > ProtocolLimits.MaxUnconnectingHeadersMessages)
                throw new PeerMisbehaviourException(MisbehaviourKind.UnconnectingHeaders,
                    $"{peer.UnconnectingHeadersMessages} headers messages in a row do not connect to any header this node knows");
            return new HeadersOutcome(0, null, false);
        }
        peer.UnconnectingHeadersMessages = 0;

        // Check outside the lock: tier 1 costs about a millisecond per header.
        var accepted = new List<(BlockHeader Header, StoredHeader Parent)>();
        var previous = parent;
        StoredHeader? last = parent;
        Hash256? deferredAfter = null;
        // The registry of the nearest stored block at or below the header being checked (exact for a stored parent).
        ModelRegistry nearest;
        lock (_lock) nearest = NearestStoredRegistry(parent);
        foreach (var entry in headers)
        {
            var header = entry.Header;
            var hash = header.Hash;
            if (header.PrevBlock != previous.Hash)
                throw new PeerMisbehaviourException(MisbehaviourKind.NonContinuousHeaders, $"header {hash} does not follow {previous.Hash} in the same message");
            if (previous.Failed || _chain.IsKnownInvalid(hash))
                throw new PeerMisbehaviourException(MisbehaviourKind.InvalidBlock, $"header {hash} is, or descends from, a block known to be invalid");
            StoredHeader? known;
            lock (_lock) known = _tree.Find(hash);
            if (known is not null)
            {
                previous = last = known;
                if ((known.Registry ?? _chain.GetRegistry(known.Hash)) is { } storedRegistry) nearest = storedRegistry;
                continue;
            }
            // A tree entry's block may have been stored by another path (mined here, submitted by RPC): ask the chainstate.
            var stored = previous.Registry ?? _chain.GetRegistry(previous.Hash);
            bool exact = stored is not null;
            var registry = stored ?? nearest;
            var violation = HeaderRules.Check(header, entry.VdfProof, HeaderTree.ContextFor(previous, adjustedNow), _parameters, registry);
            if (violation is null)
            {
                // The header rules passed, so the model is in the registry (Active there); tier 1 checks the proof under its profile.
                var model = registry.Find(header.ModelId)!.ToRegisteredModel();
                violation = BlockProofRules.CheckProof(header, entry.Proof, previous.Height + 1, _parameters, model, out _);
            }
            if (violation is not null)
            {
                if (violation.Reason == "time-too-new") break; // may be our clock, not the peer's fault (as in Bitcoin Core): stop here, no penalty
                if (!exact && violation.Reason is RegistryReasons.Model or RegistryReasons.ModelInactive)
                {
                    deferredAfter = previous.Hash; // our registry is an approximation here: ask again once the ancestors are stored
                    break;
                }
                throw new PeerMisbehaviourException(MisbehaviourKind.InvalidBlock, $"header {hash} at height {previous.Height + 1}: {violation.Reason}: {violation.Message}");
            }
            accepted.Add((header, previous));
            previous = last = HeaderTree.Child(header, previous);
        }

        int added = 0;
        lock (_lock)
        {
            foreach (var (header, headerParent) in accepted)
            {
                if (_tree.Contains(header.Hash)) continue;
                if (_tree.Count >= ProtocolLimits.MaxHeaderTreeEntries) break; // full: the rest is asked for again later
                if (_tree.Find(header.PrevBlock) is null) break; // the parent was dropped meanwhile (its block failed)
                _tree.Add(header, headerParent);
                added++;
            }
        }
        if (last is not null && (peer.BestKnownHeader is null || last.Height > peer.BestKnownHeight))
        {
            peer.BestKnownHeader = last.Hash;
            peer.BestKnownHeight = last.Height;
        }
        foreach (var entry in headers) peer.KnownInventory.Add(entry.Header.Hash);
        lock (_lock)
        {
            if (deferredAfter is { } waitFor) _deferred[peer] = waitFor;
            else _deferred.Remove(peer);
        }
        return new HeadersOutcome(added, last, true, deferredAfter);
    }

    /// <summary>
    /// The registry after <paramref name="header"/> when its block is stored, else after its nearest stored ancestor
    /// (every tree entry descends from a stored block). Under the lock (walks the tree).
    /// </summary>
    private ModelRegistry NearestStoredRegistry(StoredHeader header)
    {
        for (var entry = header; ; )
        {
            if ((entry.Registry ?? _chain.GetRegistry(entry.Hash)) is { } registry) return registry;
            entry = _tree.Find(entry.Header.PrevBlock)
                ?? throw new InvalidOperationException($"header {header.Hash} has no stored ancestor in the header tree");
        }
    }

    /// <summary>
    /// Peers whose headers were deferred at a header whose parent is now stored (or that the chainstate now knows
    /// otherwise): ask them for headers again (from the parent). Each is returned once.
    /// </summary>
    public List<(Peer Peer, Hash256 From)> TakeResumable()
    {
        lock (_lock)
        {
            var ready = _deferred.Where(d => _chain.GetStoredHeader(d.Value) is not null).Select(d => (d.Key, d.Value)).ToList();
            foreach (var (peer, _) in ready) _deferred.Remove(peer);
            return ready;
        }
    }

    /// <summary>
    /// The registry a child of <paramref name="parent"/> is checked against: exact when the parent's block is stored,
    /// else its nearest stored ancestor's; null when the parent is neither stored nor in the tree.
    /// </summary>
    public ModelRegistry? RegistryForChildOf(Hash256 parent)
    {
        if (_chain.GetRegistry(parent) is { } exact) return exact;
        lock (_lock) return _tree.Find(parent) is { } header ? NearestStoredRegistry(header) : null;
    }

    /// <summary>Whether <paramref name="peer"/>'s headers are deferred (waiting for a block to be stored).</summary>
    public bool IsDeferred(Peer peer)
    {
        lock (_lock) return _deferred.ContainsKey(peer);
    }

    /// <summary>
    /// The block requests to send now: blocks of the best header chain that are not stored, requested or held, within
    /// ProtocolLimits.BlockDownloadWindow of the last stored one, each to a peer that announced a header at or above it,
    /// at most ProtocolLimits.MaxBlocksInFlightPerPeer per peer.
    /// </summary>
    public Dictionary<Peer, List<Hash256>> PlanRequests(IReadOnlyList<Peer> peers)
    {
        var plan = new Dictionary<Peer, List<Hash256>>();
        var tip = _chain.Tip;
        lock (_lock)
        {
            var best = _tree.Best();
            if (best is null || best.ChainWork <= tip.ChainWork || best.ChainWork < _parameters.MinimumChainWork) return plan;
            var missing = _tree.MissingBlocksTo(best, ProtocolLimits.BlockDownloadWindow);
            var load = peers.ToDictionary(p => p, p => _inFlight.Values.Count(f => f.Peer == p));
            var serves = new Dictionary<Peer, HashSet<Hash256>>();
            foreach (var peer in peers)
                if (peer.BestKnownHeader is { } known && load[peer] < ProtocolLimits.MaxBlocksInFlightPerPeer) serves[peer] = _tree.ChainOf(known);
            foreach (var entry in missing)
            {
                if (_inFlight.ContainsKey(entry.Hash) || _held.ContainsKey(entry.Hash)) continue;
                Peer? chosen = null;
                foreach (var (peer, chain) in serves)
                    if (load[peer] < ProtocolLimits.MaxBlocksInFlightPerPeer && chain.Contains(entry.Hash) && (chosen is null || load[peer] < load[chosen]))
                        chosen = peer;
                if (chosen is null) continue;
                load[chosen]++;
                _inFlight[entry.Hash] = (chosen, DateTimeOffset.UtcNow);
                if (!plan.TryGetValue(chosen, out var list)) plan[chosen] = list = [];
                list.Add(entry.Hash);
            }
        }
        return plan;
    }

    /// <summary>Requests older than <paramref name="timeout"/>: their peers are stalling the download.</summary>
    public List<Peer> StalledPeers(TimeSpan timeout)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock) return _inFlight.Values.Where(f => now - f.RequestedAt > timeout).Select(f => f.Peer).Distinct().ToList();
    }

    /// <summary>Forgets a disconnected peer's requests, so other peers are asked.</summary>
    public void PeerGone(Peer peer)
    {
        lock (_lock)
        {
            foreach (var hash in _inFlight.Where(f => f.Value.Peer == peer).Select(f => f.Key).ToList()) _inFlight.Remove(hash);
            _deferred.Remove(peer);
        }
    }

    /// <summary>Whether <paramref name="peer"/> was asked for this block (and clears the request).</summary>
    public bool TakeRequest(Peer peer, Hash256 hash)
    {
        lock (_lock) return _inFlight.TryGetValue(hash, out var f) && f.Peer == peer && _inFlight.Remove(hash);
    }

    /// <summary>
    /// A block whose header is in the tree or stored: the blocks ready for the chainstate now (this one, if its parent
    /// is stored), or none when it is held for its parent. Atomic with <see cref="TakeChildren"/>, so a block whose
    /// parent is being stored by another thread is never stranded.
    /// </summary>
    public bool HoldUnlessParentStored(Block block, Peer from)
    {
        lock (_lock)
        {
            if (_chain.GetStoredHeader(block.Header.PrevBlock) is not null) return false;
            var hash = block.Header.Hash;
            if (_held.ContainsKey(hash)) return true;
            long bytes = block.Proof.Length + block.TransactionBytes;
            if (_held.Count >= ProtocolLimits.MaxOrphanBlocks || _heldBytes + bytes > ProtocolLimits.MaxOrphanBlockBytes) return true; // dropped: asked for again later
            _held[hash] = (block, from, bytes);
            _heldBytes += bytes;
            return true;
        }
    }

    /// <summary>Held blocks whose parent is <paramref name="parent"/> (just stored), removed from the buffer.</summary>
    public List<(Block Block, Peer From)> TakeChildren(Hash256 parent)
    {
        lock (_lock)
        {
            var ready = _held.Where(h => h.Value.Block.Header.PrevBlock == parent).ToList();
            foreach (var (hash, held) in ready)
            {
                _held.Remove(hash);
                _heldBytes -= held.Bytes;
            }
            return ready.Select(r => (r.Value.Block, r.Value.From)).ToList();
        }
    }

    /// <summary>Held blocks whose parent got stored by another path (a periodic safety net).</summary>
    public List<(Block Block, Peer From)> TakeReady()
    {
        lock (_lock)
        {
            var ready = _held.Where(h => _chain.GetStoredHeader(h.Value.Block.Header.PrevBlock) is not null).ToList();
            foreach (var (hash, held) in ready)
            {
                _held.Remove(hash);
                _heldBytes -= held.Bytes;
            }
            return ready.Select(r => (r.Value.Block, r.Value.From)).ToList();
        }
    }

    /// <summary>The block is stored: the tree no longer needs its entry.</summary>
    public void Stored(Hash256 hash)
    {
        lock (_lock) _tree.Remove(hash);
    }

    /// <summary>The block failed (or a fraud proof convicted it): drop it and its descendants from the tree and the buffer.</summary>
    public void Failed(Hash256 hash)
    {
        lock (_lock)
        {
            _tree.RemoveWithDescendants(hash);
            _inFlight.Remove(hash);
            if (_held.Remove(hash, out var held)) _heldBytes -= held.Bytes;
        }
    }
}
