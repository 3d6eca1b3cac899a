using TensorCash.Chain.Crypto;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Storage;

namespace TensorCash.Node.Chainstate;

/// <summary>
/// The node's validation layer (Bitcoin Core's validation.cpp): accepts blocks, keeps the block tree, and keeps the
/// active chain on the valid chain with the most work, with its UTXO set in the datadir's <see cref="ChainDatabase"/>.
/// Consensus decisions are delegated to TensorCash.Chain's pure rules; this class orders them and stores results.
/// <para>
/// The model registry: every block in the tree carries the registry after it (<see cref="GetRegistry"/>), derived from
/// its parent's by <see cref="RegistryRules.Apply"/> when the block is accepted, so a side branch has its own exact
/// snapshots and a re-organisation needs no registry undo. A block's registry actions are stored with it (table
/// registry_actions), and at start the snapshots are rebuilt from the headers and those actions, without reading blocks.
/// </para>
/// <para>
/// Atomicity: storing a block, connecting one block, disconnecting one block and marking blocks failed are each one
/// database transaction, and the tip moves in the same transaction as the UTXO changes that belong to it. Whatever
/// point a crash hits, the database holds a tip with exactly its UTXO set; opening it again resumes the move to the
/// best chain (a stored block that was never connected is connected then).
/// </para>
/// <para>
/// Thread safety: one lock serializes every public member, except that <see cref="AcceptBlock"/> runs the proof check
/// (a replay) and a first pass over the block's signatures (which fills the signature cache for the connection) with
/// the lock released. The events are raised while that lock is held, on the
/// thread that changed the tip, in the order the changes happened; handlers may read the chainstate but must not
/// wait for another thread that uses it.
/// </para>
/// </summary>
public sealed class ChainState : ICoinView, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ChainParams _parameters;
    private readonly Func<Block, int, RegisteredModel, RuleViolation?> _checkProof;
    private readonly ChainDatabase _database;
    private readonly Dictionary<Hash256, BlockIndexEntry> _index = new();
    /// <summary>Blocks that are not failed and have no child that is not failed: the candidates for the best chain.</summary>
    private readonly HashSet<BlockIndexEntry> _leaves = new();
    /// <summary>The active chain, indexed by height.</summary>
    private readonly List<BlockIndexEntry> _active = new();
    private long _nextSequence;
    /// <summary>The UTXO set's commitment at the tip, as stored with it.</summary>
    private UtxoCommitment _commitment = new();

    /// <summary>
    /// Signatures that verified, shared with the mempool (<see cref="Mempool.TransactionPool"/>) so a transaction's
    /// inputs are not verified again when its block is connected.
    /// </summary>
    public SignatureCache Signatures { get; }

    /// <summary>
    /// Opens (or creates, starting from <see cref="ChainParams.Genesis"/>) the chainstate in
    /// <paramref name="dataDirectory"/>, then finishes any chain switch a crash interrupted.
    /// </summary>
    /// <param name="checkProof">
    /// The proof-of-inference check for a block at a height running a model (null when valid), run after the header,
    /// block and registry rules and before the block is stored. The model is the block's, as the registry after its
    /// parent has it (Active: the header rules passed): its pinned profile, D_m and name.
    /// </param>
    /// <exception cref="NodeStorageException">The datadir cannot be used: another network, damaged, locked.</exception>
    /// <param name="reindex">
    /// Rebuild the UTXO set, undo data and commitments from the stored blocks: drop them, then connect the best stored
    /// chain again from genesis (every block re-hashed on read and re-validated by the connect rules).
    /// </param>
    /// <param name="progress">Progress lines of a reindex or a transaction index build (every <see cref="ReindexProgressInterval"/> blocks), or null.</param>
    /// <param name="txIndex">
    /// Keep the transaction index (--txindex; see <see cref="FindTransaction"/>): built now if the datadir has none that
    /// matches the tip, then kept in the same transaction as every connect and disconnect. Without it, an index left
    /// in the datadir is dropped.
    /// </param>
    public ChainState(string dataDirectory, ChainParams parameters, Func<Block, int, RegisteredModel, RuleViolation?> checkProof,
        bool reindex = false, Action<string>? progress = null, bool txIndex = false)
    {
        Signatures = new SignatureCache();
        TxIndexEnabled = txIndex;
        _parameters = parameters;
        _checkProof = checkProof;
        try
        {
            Directory.CreateDirectory(dataDirectory);
            // 0700: the datadir holds the wallet, the RPC cookie and the chainstate (Bitcoin Core's umask 077).
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeStorageException($"cannot create the datadir {dataDirectory}: {e.Message}", e);
        }
        _database = ChainDatabase.Open(Path.Combine(dataDirectory, ChainDatabase.FileName));
        try
        {
            var genesisHash = _parameters.Genesis.Header.Hash;
            bool reindexing = reindex && _database.ReadChainIdentity() is { } identity
                && identity.Network == _parameters.Network.ToString() && identity.Genesis == genesisHash;
            if (reindexing)
            {
                progress?.Invoke($"reindex: dropping the UTXO set and undo data of {_database.Path}");
                _database.ResetChainstate(genesisHash);
            }
            Load(verifyUtxoSet: !reindexing);
            PrepareTxIndex(progress);
            Action<Block, int>? report = null;
            if (reindexing && progress is not null)
            {
                int target = BestLeaf()?.Height ?? 0;
                progress($"reindex: connecting {target} stored blocks");
                report = (_, height) =>
                {
                    if (height % ReindexProgressInterval == 0 || height == target)
                        progress($"reindex: connected height {height} of {target}");
                };
                BlockConnected += report;
            }
            ActivateBestChain();
            if (report is not null) BlockConnected -= report;
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    /// <summary>Raised after a block is connected to the tip (it is the new tip).</summary>
    public event Action<Block, int>? BlockConnected;
    /// <summary>Raised after the tip block is disconnected (its parent is the new tip): its transactions are unconfirmed again.</summary>
    public event Action<Block, int>? BlockDisconnected;
    /// <summary>Raised when a block submission has moved the tip to another block, after all its connects and disconnects.</summary>
    public event Action<ChainTip>? TipChanged;

    public ChainTip Tip
    {
        get
        {
            lock (_lock)
            {
                return TipOf(_active[^1]);
            }
        }
    }

    private static ChainTip TipOf(BlockIndexEntry entry) => new(entry.Hash, entry.Height, entry.Header, entry.ChainWork, entry.Registry);

    /// <summary>The model registry after the active tip: what the next block is checked against.</summary>
    public ModelRegistry Registry
    {
        get
        {
            lock (_lock) return _active[^1].Registry;
        }
    }

    /// <summary>The model registry after a stored block (on the active chain or not), or null for a block not stored.</summary>
    public ModelRegistry? GetRegistry(Hash256 hash)
    {
        lock (_lock) return _index.GetValueOrDefault(hash)?.Registry;
    }

    /// <summary>Any stored block, on the active chain or not.</summary>
    public Block? GetBlock(Hash256 hash)
    {
        lock (_lock)
        {
            if (!_index.ContainsKey(hash)) return null;
            _blockReads++;
            return _database.ReadBlock(hash);
        }
    }

    private long _blockReads;

    /// <summary>Blocks read through <see cref="GetBlock"/> (a test seam: lookups that must not read blocks).</summary>
    internal long BlockReads
    {
        get { lock (_lock) return _blockReads; }
    }

    /// <summary>Whether this chainstate keeps the transaction index (--txindex).</summary>
    public bool TxIndexEnabled { get; }

    /// <summary>
    /// Where the active chain holds transaction <paramref name="txid"/>: its block's hash, height and its position in
    /// the block, from the transaction index; null when it is not in the active chain (or the index is off). One
    /// key lookup; no block is read. The genesis block's coinbase is not indexed (as in Bitcoin Core, it is no
    /// ordinary transaction: its output cannot be spent).
    /// </summary>
    public (Hash256 Block, int Height, int Position)? FindTransaction(Hash256 txid)
    {
        if (!TxIndexEnabled) return null;
        lock (_lock)
        {
            if (_database.ReadTxIndex(txid) is not { } found) return null;
            if (!_index.TryGetValue(found.Block, out var entry) || entry.Height >= _active.Count || _active[entry.Height] != entry)
                throw new NodeStorageException($"{_database.Path}: the transaction index places {txid} in block {found.Block}, which is not on the active chain; the index is damaged (restart without --txindex, then with it, to rebuild it)");
            return (found.Block, entry.Height, found.Position);
        }
    }

    /// <summary>The transaction index's state (getindexinfo): null when it is off; else the height it matches (always the tip's: it is kept in the tip's transactions).</summary>
    public int? TxIndexHeight
    {
        get
        {
            if (!TxIndexEnabled) return null;
            lock (_lock) return _active.Count - 1;
        }
    }

    /// <summary>
    /// At start: without --txindex, drops an index left in the datadir. With it, keeps an index that matches the tip
    /// (its recorded tip is the tip) and otherwise builds it from the active chain's blocks, in one transaction, with
    /// progress lines every <see cref="ReindexProgressInterval"/> blocks.
    /// </summary>
    private void PrepareTxIndex(Action<string>? progress)
    {
        bool present = _database.HasTxIndex();
        if (!TxIndexEnabled)
        {
            if (present)
            {
                progress?.Invoke("txindex: not enabled; dropping the transaction index left in the datadir");
                _database.DropTxIndex();
            }
            return;
        }
        var tip = _active[^1];
        if (present && _database.ReadTxIndexTip() == tip.Hash) return;
        progress?.Invoke(present
            ? $"txindex: the transaction index does not match the tip (height {tip.Height}); building it again"
            : $"txindex: building the transaction index for {tip.Height} blocks");
        using var batch = _database.BeginWrite();
        batch.DropTxIndex();
        batch.CreateTxIndex();
        for (int height = 1; height <= tip.Height; height++)
        {
            var entry = _active[height];
            batch.IndexTransactions(entry.Hash, ReadStoredBlock(entry));
            if (height % ReindexProgressInterval == 0 || height == tip.Height) progress?.Invoke($"txindex: indexed height {height} of {tip.Height}");
        }
        batch.SetTxIndexTip(tip.Hash);
        batch.Commit();
    }

    public BlockHeader? GetHeader(Hash256 hash)
    {
        lock (_lock) return _index.GetValueOrDefault(hash)?.Header;
    }

    public BlockStatus? GetBlockStatus(Hash256 hash)
    {
        lock (_lock) return _index.GetValueOrDefault(hash)?.Status;
    }

    /// <summary>The hash of the active chain's block at <paramref name="height"/>, or null above the tip.</summary>
    public Hash256? GetBlockHash(int height)
    {
        lock (_lock) return height >= 0 && height < _active.Count ? _active[height].Hash : null;
    }

    /// <summary>Median-time-past of a stored block (the tip's bounds the next block's time), or null for an unknown block.</summary>
    public long? GetMedianTimePast(Hash256 hash)
    {
        lock (_lock) return _index.GetValueOrDefault(hash)?.GetMedianTimePast();
    }

    /// <summary>
    /// Median-time-past of the active chain's block at <paramref name="height"/> (BIP68's clock for a coin confirmed
    /// below it); the height must be at most the tip's.
    /// </summary>
    public long GetMedianTimePastAtHeight(int height)
    {
        lock (_lock)
        {
            if (height < 0 || height >= _active.Count)
                throw new ArgumentOutOfRangeException(nameof(height), height, $"the active chain has heights 0..{_active.Count - 1}");
            return _active[height].GetMedianTimePast();
        }
    }

    /// <summary>An unspent output of the active chain.</summary>
    public Coin? GetCoin(OutPoint outPoint)
    {
        lock (_lock) return _database.GetCoin(outPoint);
    }

    public UtxoStats GetUtxoStats()
    {
        lock (_lock) return _database.ReadUtxoStats();
    }

    /// <summary>The whole UTXO set of the active chain (a full scan: for audits and tests).</summary>
    public IReadOnlyList<KeyValuePair<OutPoint, Coin>> GetUtxoSet()
    {
        lock (_lock) return _database.ReadAllCoins();
    }

    /// <summary>
    /// Validates a block, stores it if valid, and makes the chain with the most work active. Checks in order:
    /// duplicate, parent known and not failed, header rules (with the header's proof-of-work, against the registry
    /// after the parent), block rules, contextual block rules, the registry's rules (RegistryActions.Extract, then
    /// RegistryRules.Apply to the parent's registry: the block's registry), proof. A block whose parent is unknown is
    /// rejected with "prev-blk-not-found" (no orphan pool: the sender must provide the parents first). A block that
    /// breaks a registry rule is rejected like any other contextual rule (not stored).
    /// <para>
    /// The proof check (tier 1, then a replay that may take seconds) runs with the lock released, so queries and other
    /// submissions are not held up by it; its verdict depends only on the block, its height and its model (as the
    /// parent's registry has it), which the parent fixes, so releasing the lock cannot change it. Everything before it is cheap, so a block must pay for its header's
    /// proof-of-work before it can cost the node a replay. After the check the lock is taken again and what may have
    /// changed meanwhile (the block stored by another thread, the parent marked failed) is checked again.
    /// </para>
    /// <para>
    /// A block the proof check calls unverified (<see cref="UnverifiedReason"/>: the node lacks the block's model) is
    /// not stored, so the node never connects it or mines on it, and it is not marked failed either, since the node
    /// has no proof that it is invalid; it is remembered in a bounded in-memory set for RPC (<see cref="GetUnverified"/>).
    /// </para>
    /// </summary>
    /// <param name="adjustedNow">The node's network-adjusted clock, in Unix seconds (bounds the header time).</param>
    public BlockAcceptResult AcceptBlock(Block block, long adjustedNow)
    {
        var header = block.Header;
        var hash = header.Hash;
        Validated validated;
        IReadOnlyList<InputScriptCheck> scriptChecks;
        lock (_lock)
        {
            if (CheckPlace(block, out var parentEntry) is { } rejected) return rejected;
            var (ok, violation) = Validate(block, parentEntry, adjustedNow);
            if (violation is not null) return new BlockAcceptResult(hash, BlockAcceptStatus.Rejected, violation);
            validated = ok!;
            scriptChecks = parentEntry == _active[^1] ? GatherScriptChecks(block) : [];
        }

        var proofViolation = _checkProof(block, validated.Height, validated.Model);
        // The block's signatures, verified with the lock released so that its connection below, under the lock, finds
        // them in the signature cache. This only warms the cache: the verdict is the connection's, on the UTXO set as it
        // is then. The coins were read under the lock and an outpoint names one immutable output, so each check is the
        // one the connection will make (or the coin will be gone and the block fail its input checks anyway). A failing
        // script is not cached and runs again under the lock: a cost only a block that paid its proof-of-work and
        // passed its proof can impose, at most twice. Blocks off the tip (a side branch, a re-organisation) are not
        // warmed: which coins they spend is known only once the chain is switched, under the lock.
        if (proofViolation is null && scriptChecks.Count > 0) InputScriptChecks.FirstFailure(scriptChecks, Signatures);

        lock (_lock)
        {
            // The rules' verdict cannot change (it depends on the block and its parent only), but the place can: another
            // thread stored the block, or its parent was marked failed, meanwhile.
            if (CheckPlace(block, out _) is { } rejected) return rejected;
            if (proofViolation is not null)
            {
                if (proofViolation.Reason == ReplayFailedReason) RememberReplayFailed(hash, proofViolation);
                if (proofViolation.Reason != UnverifiedReason) return new BlockAcceptResult(hash, BlockAcceptStatus.Rejected, proofViolation);
                RememberUnverified(new UnverifiedBlock(hash, header, validated.Height, proofViolation));
                return new BlockAcceptResult(hash, BlockAcceptStatus.Unverified, proofViolation);
            }
            ForgetUnverified(hash);

            var parent = _index[header.PrevBlock];
            var entry = new BlockIndexEntry(
                new BlockIndexRecord(hash, header, validated.Height, parent.ChainWork + ChainWork.ForBits(header.Bits),
                    BlockStatus.HeaderValid | BlockStatus.DataStored, _nextSequence),
                parent, validated.Registry);
            using (var batch = _database.BeginWrite())
            {
                batch.AddBlock(entry.ToRecord(), block, validated.Actions.Count > 0 ? RegistryActions.Encode(validated.Actions) : null);
                batch.Commit();
            }
            _nextSequence++;
            AddToTree(entry);

            ActivateBestChain(entry, block);

            if (entry.IsFailed) return new BlockAcceptResult(hash, BlockAcceptStatus.Invalid, FailureOf(entry));
            bool active = entry.Height < _active.Count && _active[entry.Height] == entry;
            return new BlockAcceptResult(hash, active ? BlockAcceptStatus.ActiveChain : BlockAcceptStatus.SideChain, null);
        }
    }

    /// <summary>
    /// The script check of every input of a block that extends the tip whose coin is in the UTXO set or made earlier in
    /// the block (the others fail the connection's input checks). Under the lock.
    /// </summary>
    private List<InputScriptCheck> GatherScriptChecks(Block block)
    {
        var checks = new List<InputScriptCheck>();
        var created = new Dictionary<OutPoint, TxOut>();
        foreach (var tx in block.Transactions)
        {
            if (!tx.IsCoinbase)
                for (int i = 0; i < tx.Inputs.Count; i++)
                {
                    var prevout = tx.Inputs[i].Prevout;
                    var spent = created.TryGetValue(prevout, out var made) ? made : _database.GetCoin(prevout)?.Output;
                    if (spent is not null) checks.Add(new InputScriptCheck(tx, i, spent));
                }
            for (int o = 0; o < tx.Outputs.Count; o++) created.TryAdd(new OutPoint(tx.Txid, (uint)o), tx.Outputs[o]);
        }
        return checks;
    }

    /// <summary>What the rules before the proof found for a block: its height, model, registry actions and the registry after it.</summary>
    private sealed record Validated(int Height, RegisteredModel Model, IReadOnlyList<RegistryAction> Actions, ModelRegistry Registry);

    /// <summary>Where the block would go, under the lock: a rejection (duplicate, unknown or failed parent), or null with its parent.</summary>
    private BlockAcceptResult? CheckPlace(Block block, out BlockIndexEntry parent)
    {
        var header = block.Header;
        var hash = header.Hash;
        parent = null!;
        if (_replayFailed.TryGetValue(hash, out var failed))
            return Rejected(hash, "duplicate-invalid", $"block {hash} already failed its proof replay here ({failed.Reason}); not replayed again");
        if (_index.TryGetValue(hash, out var known))
            return known.IsFailed
                ? Rejected(hash, "duplicate-invalid", $"block {hash} is already known and marked failed")
                : Rejected(hash, "duplicate", $"block {hash} is already stored at height {known.Height}");
        if (!_index.TryGetValue(header.PrevBlock, out var stored))
            return Rejected(hash, "prev-blk-not-found", $"block {hash}: its parent {header.PrevBlock} is not known (send the parent first)");
        if (stored.IsFailed)
            return Rejected(hash, "bad-prevblk", $"block {hash}: its parent {stored.Hash} at height {stored.Height} is marked failed");
        parent = stored;
        return null;
    }

    /// <summary>
    /// Every rule before the proof, for a block whose parent is <paramref name="parent"/>: header (against the parent's
    /// registry), block, contextual block, then the registry's (stateless extraction, then the transition from the
    /// parent's registry). A pure function of the block, its parent and the clock.
    /// </summary>
    private (Validated? Validated, RuleViolation? Violation) Validate(Block block, BlockIndexEntry parent, long adjustedNow)
    {
        var header = block.Header;
        int height = parent.Height + 1;
        long parentMedianTimePast = parent.GetMedianTimePast();
        var violation = HeaderRules.Check(header, block.VdfProof, new HeaderContext(height, parent.Header, parentMedianTimePast, adjustedNow), _parameters, parent.Registry)
            ?? BlockRules.CheckBlock(block, _parameters)
            ?? BlockRules.ContextualCheckBlock(block, height, parentMedianTimePast, _parameters);
        if (violation is not null) return (null, violation);
        var (actions, extractViolation) = RegistryActions.Extract(block, _parameters);
        if (extractViolation is not null) return (null, extractViolation);
        var (registry, applyViolation) = RegistryRules.Apply(parent.Registry, header, height, actions, _parameters);
        if (applyViolation is not null) return (null, applyViolation);
        // The header rules passed against the parent's registry, so the model is Active there.
        return (new Validated(height, parent.Registry.ActiveModel(header.ModelId)!, actions, registry), null);
    }

    /// <summary>The proof check's reason for a block whose model this node cannot replay (Mining.BlockProofVerifier gives it).</summary>
    public const string UnverifiedReason = "proof-unverified";

    /// <summary>How many unverified blocks are remembered for RPC; the oldest is forgotten first (they cost memory, not validity).</summary>
    public const int MaxUnverifiedBlocks = 256;

    /// <summary>
    /// The proof check's reason when the exact replay fails. Cached by block hash (bounded): tier 1 passed first, so the
    /// header's commitment covers every byte of the proof and the verdict belongs to the header, not to one copy of the
    /// block, and resending the block must not buy another replay. Mutated blocks (the proof does not hash to the
    /// header, or does not decode) are never cached: the honest proof may still come.
    /// </summary>
    public const string ReplayFailedReason = "bad-proof-replay";

    /// <summary>How many replay-failed block hashes are remembered (oldest forgotten first).</summary>
    public const int MaxReplayFailedBlocks = 4096;

    private readonly Dictionary<Hash256, RuleViolation> _replayFailed = new();
    private readonly Queue<Hash256> _replayFailedOrder = new();

    private void RememberReplayFailed(Hash256 hash, RuleViolation violation)
    {
        if (!_replayFailed.TryAdd(hash, violation)) return;
        _replayFailedOrder.Enqueue(hash);
        while (_replayFailed.Count > MaxReplayFailedBlocks) _replayFailed.Remove(_replayFailedOrder.Dequeue());
    }

    private readonly Dictionary<Hash256, UnverifiedBlock> _unverified = new();
    private readonly Queue<Hash256> _unverifiedOrder = new();

    private void RememberUnverified(UnverifiedBlock block)
    {
        if (!_unverified.TryAdd(block.Hash, block)) return;
        _unverifiedOrder.Enqueue(block.Hash);
        while (_unverified.Count > MaxUnverifiedBlocks) _unverified.Remove(_unverifiedOrder.Dequeue());
    }

    private void ForgetUnverified(Hash256 hash)
    {
        if (_unverified.Remove(hash))
        {
            var rest = _unverifiedOrder.Where(h => h != hash).ToList();
            _unverifiedOrder.Clear();
            foreach (var h in rest) _unverifiedOrder.Enqueue(h);
        }
    }

    /// <summary>A block this node received but could not verify (not stored), or null.</summary>
    public UnverifiedBlock? GetUnverified(Hash256 hash)
    {
        lock (_lock) return _unverified.GetValueOrDefault(hash);
    }

    /// <summary>The unverified blocks remembered, oldest first.</summary>
    public IReadOnlyList<UnverifiedBlock> GetUnverifiedBlocks()
    {
        lock (_lock) return _unverifiedOrder.Where(_unverified.ContainsKey).Select(h => _unverified[h]).ToList();
    }

    /// <summary>The height of a stored block, or null.</summary>
    public int? GetHeight(Hash256 hash)
    {
        lock (_lock) return _index.GetValueOrDefault(hash)?.Height;
    }

    /// <summary>
    /// What checking a child header needs from a stored block (the peer-to-peer header sync): its header, height, chain
    /// work, the times of it and up to 10 ancestors (oldest first, for the child's median-time-past), whether it is
    /// marked failed, and the model registry after it. Null when the block is not stored.
    /// </summary>
    public StoredHeader? GetStoredHeader(Hash256 hash)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(hash, out var entry)) return null;
            var times = new List<long>(MedianTimePast.Span);
            for (var e = entry; e is not null && times.Count < MedianTimePast.Span; e = e.Parent) times.Add(e.Header.Time);
            times.Reverse();
            bool active = entry.Height < _active.Count && _active[entry.Height] == entry;
            return new StoredHeader(entry.Hash, entry.Header, entry.Height, entry.ChainWork, times.ToArray(), entry.IsFailed || _replayFailed.ContainsKey(hash), active,
                entry.Registry);
        }
    }

    /// <summary>Whether the block failed its replay here or is stored and marked failed (a header to refuse at once).</summary>
    public bool IsKnownInvalid(Hash256 hash)
    {
        lock (_lock) return _replayFailed.ContainsKey(hash) || (_index.TryGetValue(hash, out var entry) && entry.IsFailed);
    }

    /// <summary>
    /// A block locator for the active chain (Bitcoin's CChain::GetLocator): the tip and the 9 blocks before it, then
    /// steps doubling, ending with genesis; at most ProtocolLimits.MaxLocatorHashes hashes for any height.
    /// </summary>
    public IReadOnlyList<Hash256> GetLocator()
    {
        lock (_lock)
        {
            var hashes = new List<Hash256>();
            int step = 1;
            for (int height = _active.Count - 1; height > 0; height -= step)
            {
                hashes.Add(_active[height].Hash);
                if (hashes.Count >= 10) step *= 2;
            }
            hashes.Add(_active[0].Hash);
            return hashes;
        }
    }

    /// <summary>
    /// The height of the last active-chain block a peer's locator shares with this node (genesis when none matches):
    /// headers served to that peer start right after it.
    /// </summary>
    public int FindLocatorFork(IReadOnlyList<Hash256> locator)
    {
        lock (_lock)
        {
            foreach (var hash in locator)
                if (_index.TryGetValue(hash, out var entry) && entry.Height < _active.Count && _active[entry.Height] == entry)
                    return entry.Height;
            return 0;
        }
    }

    /// <summary>Stored blocks whose header carries proof commitment <paramref name="commitment"/> (a fraud proof names its block by it).</summary>
    public IReadOnlyList<(Hash256 Hash, int Height, BlockHeader Header)> FindByProofCommitment(Hash256 commitment)
    {
        // A scan of the in-memory index: fraud proofs are rare and come through the local RPC.
        lock (_lock) return _index.Values.Where(e => e.Height > 0 && e.Header.ProofCommitment == commitment).Select(e => (e.Hash, e.Height, e.Header)).ToList();
    }

    /// <summary>
    /// The tips of the block tree (blocks with no stored child, and the active tip), as bitcoind's getchaintips:
    /// status "active", "valid-fork" (connected once, not active), "valid-headers" (stored, never connected) or "invalid".
    /// </summary>
    public IReadOnlyList<ChainTipInfo> GetChainTips()
    {
        lock (_lock)
        {
            var tips = _index.Values.Where(e => e.Children.Count == 0).ToList();
            if (!tips.Contains(_active[^1])) tips.Add(_active[^1]);
            return tips.Select(e =>
            {
                var fork = FindFork(_active[^1], e);
                string status = _active.Count > e.Height && _active[e.Height] == e ? "active"
                    : e.IsFailed ? "invalid"
                    : (e.Status & BlockStatus.ConnectedValid) != 0 ? "valid-fork" : "valid-headers";
                return new ChainTipInfo(e.Hash, e.Height, e.Height - fork.Height, status);
            }).OrderByDescending(t => t.Height).ToList();
        }
    }

    /// <summary>
    /// Marks a stored block invalid with <paramref name="violation"/>, and every descendant, and moves the tip to the
    /// best chain that remains (Bitcoin Core's InvalidateBlock). What a confirmed fraud proof does: the block's header
    /// commits to a step that does not replay. If the block is on the active chain, the tip is disconnected down to its
    /// parent first (each disconnect is its own transaction, as in a re-organisation). The genesis block cannot be invalidated.
    /// </summary>
    /// <returns>False when the block is not stored; true once it is marked (also when it already was).</returns>
    public bool InvalidateBlock(Hash256 hash, RuleViolation violation)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(hash, out var entry)) return false;
            if (entry.Parent is null) throw new InvalidOperationException("the genesis block cannot be invalidated");
            if (entry.IsFailed) return true; // already failed, or below a failed block: nothing left to do
            var start = _active[^1];
            if (_active.Count > entry.Height && _active[entry.Height] == entry)
            {
                // Descendants go one transaction each, as in a re-organisation; the block itself leaves the active chain
                // in the same transaction that marks it failed, so a crash can never leave it disconnected but valid on
                // disk (a restart would connect it again and the fraud proof would have to be sent again).
                while (_active[^1] != entry) DisconnectTip();
                DisconnectTip(batch => WriteFailedStatus(batch, entry));
                MarkFailedInMemory(entry, violation);
            }
            else
            {
                MarkFailed(entry, violation);
            }
            ActivateBestChain(start: start);
            return true;
        }
    }

    /// <summary>
    /// Bitcoin Core's ReconsiderBlock (ResetBlockFailureFlags, then ActivateBestChain): clears the failed marks of a
    /// stored block, of its descendants and of its ancestors, whatever set them (invalidateblock, a fraud proof, or a
    /// failed connection), then moves the tip to the best chain, which may be the one through this block again.
    /// Connecting re-runs the ledger rules, so a block that failed them fails again and is marked again with its
    /// descendants. The proof is not replayed: a block marked by a fraud proof comes back until the proof is sent again.
    /// </summary>
    /// <returns>False when the block is not stored.</returns>
    public bool ReconsiderBlock(Hash256 hash)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(hash, out var entry)) return false;
            var start = _active[^1];
            var cleared = WithDescendants(entry);
            for (var ancestor = entry.Parent; ancestor is not null; ancestor = ancestor.Parent) cleared.Add(ancestor);
            cleared.RemoveAll(e => !e.IsFailed);
            if (cleared.Count == 0) return true;
            using (var batch = _database.BeginWrite())
            {
                foreach (var e in cleared) batch.SetStatus(e.Hash, e.Status & ~BlockStatus.FailedMask);
                batch.Commit();
            }
            foreach (var e in cleared)
            {
                e.Status &= ~BlockStatus.FailedMask;
                e.Failure = null;
            }
            // The candidates for the best chain, from scratch, as at start.
            _leaves.Clear();
            foreach (var e in _index.Values)
                if (!e.IsFailed && e.Children.All(child => child.IsFailed))
                    _leaves.Add(e);
            ActivateBestChain(start: start);
            return true;
        }
    }

    private static BlockAcceptResult Rejected(Hash256 hash, string reason, string message) =>
        new(hash, BlockAcceptStatus.Rejected, new RuleViolation(reason, message));

    /// <summary>Why a failed block can never be active: its own connect failure, or the failure of the ancestor it descends from.</summary>
    private static RuleViolation FailureOf(BlockIndexEntry entry)
    {
        if (entry.Failure is { } own) return own;
        var failed = entry;
        while (failed.Parent is not null && (failed.Status & BlockStatus.Failed) == 0) failed = failed.Parent;
        return new RuleViolation("bad-prevblk", $"block {entry.Hash} descends from block {failed.Hash} at height {failed.Height}, which failed to connect: {failed.Failure?.ToString() ?? "reason not recorded"}");
    }

    /// <summary>A reindex reports progress every this many blocks.</summary>
    public const int ReindexProgressInterval = 1000;

    /// <summary>
    /// At start, a UTXO set of at most this many coins is hashed in full and compared with the tip's stored commitment
    /// (about a second per 100,000 coins); a larger one is checked only by <see cref="VerifyChain"/>.
    /// </summary>
    public const long StartupFullCheckMaxCoins = 250_000;

    private void Load(bool verifyUtxoSet = true)
    {
        var identity = _database.ReadChainIdentity();
        var genesisHash = _parameters.Genesis.Header.Hash;
        if (identity is null)
        {
            CreateGenesis(genesisHash);
        }
        else if (identity.Value.Network != _parameters.Network.ToString() || identity.Value.Genesis != genesisHash)
        {
            throw new NodeStorageException(
                $"{_database.Path} holds the {identity.Value.Network} chain (genesis {identity.Value.Genesis}); this node runs {_parameters.Network} (genesis {genesisHash}); use another datadir");
        }

        var registryActions = _database.ReadRegistryActions();
        var genesisRegistry = ModelRegistry.Genesis(_parameters);
        foreach (var record in _database.ReadBlockIndex())
        {
            BlockIndexEntry? parent = null;
            if (record.Height == 0)
            {
                if (record.Hash != genesisHash)
                    throw new NodeStorageException($"{_database.Path}: a block at height 0 ({record.Hash}) is not the genesis block; the file is damaged");
            }
            else if (!_index.TryGetValue(record.Header.PrevBlock, out parent) || parent.Height != record.Height - 1)
            {
                throw new NodeStorageException(
                    $"{_database.Path}: block {record.Hash} at height {record.Height} has no stored parent {record.Header.PrevBlock} one below it; the file is damaged");
            }
            var registry = parent is null ? genesisRegistry : ReplayRegistry(record, parent, registryActions.GetValueOrDefault(record.Hash));
            var entry = new BlockIndexEntry(record, parent, registry);
            _index.Add(entry.Hash, entry);
            parent?.Children.Add(entry);
            _nextSequence = Math.Max(_nextSequence, record.Sequence + 1);
        }
        foreach (var entry in _index.Values)
            if (!entry.IsFailed && entry.Children.All(child => child.IsFailed))
                _leaves.Add(entry);

        var tipHash = _database.ReadTip();
        if (tipHash is not { } tipKey || !_index.TryGetValue(tipKey, out var tip) || tip.IsFailed || (tip.Status & BlockStatus.ConnectedValid) == 0)
            throw new NodeStorageException($"{_database.Path}: the recorded tip {tipHash?.ToString() ?? "(none)"} is not a connected block of the index; the file is damaged");
        for (var entry = tip; entry is not null; entry = entry.Parent) _active.Add(entry);
        _active.Reverse();

        _commitment = _database.ReadCommitment(tip.Hash)
            ?? throw new NodeStorageException($"{_database.Path}: the tip {tip.Hash} at height {tip.Height} has no stored UTXO commitment; the file is damaged (run the node with --reindex)");
        if (verifyUtxoSet && _database.ReadUtxoStats().Count <= StartupFullCheckMaxCoins)
        {
            var actual = _database.ComputeCommitment();
            if (!actual.Equals(_commitment))
                throw new NodeStorageException(
                    $"{_database.Path}: the UTXO set does not match its commitment at the tip {tip.Hash} (height {tip.Height}): stored {_commitment}, computed {actual}; "
                    + "the UTXO table was modified outside the node or the file is damaged; restore it from a backup or run the node with --reindex");
        }
    }

    /// <summary>The UTXO set's commitment at the tip (see <see cref="UtxoCommitment"/>): its 32-byte digest.</summary>
    public Hash256 GetUtxoCommitment()
    {
        lock (_lock) return _commitment.Digest();
    }

    /// <summary>
    /// Bitcoin Core's verifychain, simplified: hashes the whole UTXO table and compares it with the tip's commitment,
    /// then reads the last <paramref name="depth"/> active blocks (each re-hashed on read), checks that their undo data
    /// decodes and matches them, disconnects them in memory down from the tip comparing each step with the stored
    /// commitment of the parent, and connects them again, which must reproduce the tip's commitment. Nothing is written.
    /// </summary>
    /// <param name="depth">Blocks to check below the tip; 0 or less: the whole active chain.</param>
    public VerifyChainResult VerifyChain(int depth)
    {
        lock (_lock)
        {
            var tip = _active[^1];
            int checkedBlocks = 0;
            VerifyChainResult Fail(string error) => new(false, checkedBlocks, $"{_database.Path}: {error}");
            try
            {
                var stored = _database.ReadCommitment(tip.Hash);
                if (stored is null || !stored.Equals(_commitment))
                    return Fail($"the stored UTXO commitment of the tip {tip.Hash} (height {tip.Height}) is missing or differs from the node's");
                var actual = _database.ComputeCommitment();
                if (!actual.Equals(_commitment))
                    return Fail($"the UTXO set does not match its commitment at the tip {tip.Hash} (height {tip.Height}): stored {_commitment}, computed {actual}; the UTXO table was modified outside the node or the file is damaged");

                int lowest = depth <= 0 ? 1 : Math.Max(1, tip.Height - depth + 1);
                var running = _commitment.Clone();
                var steps = new List<(BlockIndexEntry Entry, List<KeyValuePair<OutPoint, Coin>> Restored, List<KeyValuePair<OutPoint, Coin>> Created)>();
                for (int height = tip.Height; height >= lowest; height--)
                {
                    var entry = _active[height];
                    var block = _database.ReadBlock(entry.Hash);
                    if (block is null) return Fail($"block {entry.Hash} at height {height} is in the index but its data is missing");
                    var undo = _database.ReadUndo(entry.Hash);
                    if (undo is null) return Fail($"active block {entry.Hash} at height {height} has no undo data");
                    CoinChanges changes;
                    try
                    {
                        changes = BlockConnector.Disconnect(block, undo);
                    }
                    catch (ArgumentException e)
                    {
                        return Fail($"the undo data of block {entry.Hash} at height {height} does not match the block ({e.Message})");
                    }
                    var outputs = new Dictionary<OutPoint, Coin>();
                    foreach (var tx in block.Transactions)
                        for (int o = 0; o < tx.Outputs.Count; o++)
                            outputs[new OutPoint(tx.Txid, (uint)o)] = new Coin(tx.Outputs[o], height, tx.IsCoinbase);
                    var created = changes.Removed.Select(outPoint => new KeyValuePair<OutPoint, Coin>(outPoint, outputs[outPoint])).ToList();
                    var restored = changes.Added.ToList();
                    running.Apply(added: restored, removed: created);
                    if (_database.ReadCommitment(entry.Parent!.Hash) is { } parentCommitment && !parentCommitment.Equals(running))
                        return Fail($"disconnecting block {entry.Hash} at height {height} does not give the stored UTXO commitment of its parent {entry.Parent.Hash}");
                    steps.Add((entry, restored, created));
                    checkedBlocks++;
                }
                for (int i = steps.Count - 1; i >= 0; i--)
                {
                    var (entry, restored, created) = steps[i];
                    running.Apply(added: created, removed: restored);
                    if (_database.ReadCommitment(entry.Hash) is { } own && !own.Equals(running))
                        return Fail($"reconnecting block {entry.Hash} at height {entry.Height} does not give its stored UTXO commitment");
                }
                return running.Equals(_commitment) ? new VerifyChainResult(true, checkedBlocks, null) : Fail("reconnecting the checked blocks does not reproduce the tip's UTXO commitment");
            }
            catch (NodeStorageException e)
            {
                return new VerifyChainResult(false, checkedBlocks, e.Message);
            }
            catch (Chain.Serialization.ChainFormatException e)
            {
                return Fail($"stored data does not decode ({e.Message})");
            }
        }
    }

    /// <summary>
    /// The registry after a stored block, rebuilt at start from its parent's, its header and its stored actions (none
    /// when <paramref name="encodedActions"/> is null). Every stored block passed these rules when it was accepted, so
    /// a failure here means the file was damaged (or written by a node with other rules).
    /// </summary>
    private ModelRegistry ReplayRegistry(BlockIndexRecord record, BlockIndexEntry parent, byte[]? encodedActions)
    {
        IReadOnlyList<RegistryAction> actions = [];
        if (encodedActions is not null)
        {
            try
            {
                actions = RegistryActions.Decode(encodedActions);
            }
            catch (Chain.Serialization.ChainFormatException e)
            {
                throw new NodeStorageException(
                    $"{_database.Path}: the stored registry actions of block {record.Hash} at height {record.Height} do not decode ({e.Message}); the file is damaged", e);
            }
        }
        var (registry, violation) = RegistryRules.Apply(parent.Registry, record.Header, record.Height, actions, _parameters);
        if (violation is not null)
            throw new NodeStorageException(
                $"{_database.Path}: block {record.Hash} at height {record.Height} does not apply to its parent's model registry ({violation}); the file is damaged or was written under other rules");
        return registry;
    }

    /// <summary>
    /// A new datadir starts at genesis, stored and connected without validation (it is fixed by the parameters).
    /// As in Bitcoin, its coinbase output is not added to the UTXO set, so it can never be spent.
    /// </summary>
    private void CreateGenesis(Hash256 genesisHash)
    {
        var genesis = _parameters.Genesis;
        var record = new BlockIndexRecord(genesisHash, genesis.Header, 0, ChainWork.ForBits(genesis.Header.Bits),
            BlockStatus.HeaderValid | BlockStatus.DataStored | BlockStatus.ConnectedValid, 0);
        using var batch = _database.BeginWrite();
        batch.AddBlock(record, genesis);
        batch.PutCommitment(genesisHash, new UtxoCommitment());
        batch.SetTip(genesisHash);
        batch.SetChainIdentity(_parameters.Network.ToString(), genesisHash);
        batch.Commit();
    }

    private void AddToTree(BlockIndexEntry entry)
    {
        _index.Add(entry.Hash, entry);
        entry.Parent!.Children.Add(entry);
        _leaves.Remove(entry.Parent);
        _leaves.Add(entry);
    }

    /// <summary>
    /// Moves the tip to the best valid stored chain: the most work, and among equal work the chain whose tip was
    /// stored first (Bitcoin's rule: a node does not switch between equal chains). Each round picks the best leaf,
    /// disconnects back to the fork point and connects the new branch block by block; a block that fails to connect
    /// is marked failed with its descendants and the next round picks again, which may lead back to the chain that
    /// was just disconnected. Ends when the tip is the best leaf.
    /// </summary>
    /// <param name="stored">A block just stored and still in memory, so connecting it does not read it back from the database.</param>
    /// <param name="start">The tip before the caller began moving it (for <see cref="TipChanged"/>), when not the current one.</param>
    private void ActivateBestChain(BlockIndexEntry? storedEntry = null, Block? stored = null, BlockIndexEntry? start = null)
    {
        start ??= _active[^1];
        while (BestLeaf() is { } best && best != _active[^1])
        {
            var fork = FindFork(_active[^1], best);
            while (_active[^1] != fork) DisconnectTip();
            var branch = new List<BlockIndexEntry>();
            for (var entry = best; entry != fork; entry = entry.Parent!) branch.Add(entry);
            branch.Reverse();
            foreach (var entry in branch)
            {
                if (ConnectTip(entry, entry == storedEntry ? stored : null) is { } violation)
                {
                    MarkFailed(entry, violation);
                    break;
                }
            }
        }
        var tip = _active[^1];
        if (tip != start) TipChanged?.Invoke(TipOf(tip));
    }

    private BlockIndexEntry? BestLeaf()
    {
        BlockIndexEntry? best = null;
        foreach (var leaf in _leaves)
            if (best is null || leaf.ChainWork > best.ChainWork || (leaf.ChainWork == best.ChainWork && leaf.Sequence < best.Sequence))
                best = leaf;
        return best;
    }

    private static BlockIndexEntry FindFork(BlockIndexEntry a, BlockIndexEntry b)
    {
        if (a.Height > b.Height) a = a.Ancestor(b.Height);
        else if (b.Height > a.Height) b = b.Ancestor(a.Height);
        while (a != b)
        {
            a = a.Parent!;
            b = b.Parent!;
        }
        return a;
    }

    /// <summary>Connects <paramref name="entry"/> (a child of the tip): the UTXO changes, its undo data, its status and the new tip in one transaction.</summary>
    private RuleViolation? ConnectTip(BlockIndexEntry entry, Block? inMemory)
    {
        var block = inMemory ?? ReadStoredBlock(entry);
        // The block's chain up to its parent is the active chain, so the active chain gives BIP68 its median times. The
        // registry after the block (its own actions applied) says which deposits it may not spend.
        var outcome = BlockConnector.Connect(block, entry.Height, _database, _parameters, height => _active[height].GetMedianTimePast(), Signatures,
            entry.Registry);
        if (outcome.Violation is not null) return outcome.Violation;
        var commitment = _commitment.Clone();
        using (var batch = _database.BeginWrite())
        {
            batch.ApplyCoinChanges(outcome.Changes!, commitment);
            batch.PutUndo(entry.Hash, outcome.Undo!);
            batch.PutCommitment(entry.Hash, commitment);
            batch.SetStatus(entry.Hash, entry.Status | BlockStatus.ConnectedValid);
            batch.SetTip(entry.Hash);
            if (TxIndexEnabled)
            {
                batch.IndexTransactions(entry.Hash, block);
                batch.SetTxIndexTip(entry.Hash);
            }
            batch.Commit();
        }
        _commitment = commitment;
        entry.Status |= BlockStatus.ConnectedValid;
        _active.Add(entry);
        BlockConnected?.Invoke(block, entry.Height);
        return null;
    }

    /// <summary>Disconnects the tip: restores what it spent, removes what it created, drops its undo data and moves the tip to its parent, in one transaction.</summary>
    /// <param name="alsoWrite">More writes that must commit atomically with this disconnect.</param>
    private void DisconnectTip(Action<ChainWriteBatch>? alsoWrite = null)
    {
        var tip = _active[^1];
        var block = ReadStoredBlock(tip);
        var undo = _database.ReadUndo(tip.Hash)
            ?? throw new NodeStorageException($"{_database.Path}: active block {tip.Hash} at height {tip.Height} has no undo data; the file is damaged");
        var changes = BlockConnector.Disconnect(block, undo);
        var commitment = _commitment.Clone();
        using (var batch = _database.BeginWrite())
        {
            batch.ApplyCoinChanges(changes, commitment);
            batch.DeleteUndo(tip.Hash);
            batch.DeleteCommitment(tip.Hash);
            batch.PutCommitment(tip.Parent!.Hash, commitment);
            batch.SetTip(tip.Parent!.Hash);
            if (TxIndexEnabled)
            {
                batch.UnindexTransactions(tip.Hash, block);
                batch.SetTxIndexTip(tip.Parent!.Hash);
            }
            alsoWrite?.Invoke(batch);
            batch.Commit();
        }
        _commitment = commitment;
        _active.RemoveAt(_active.Count - 1);
        BlockDisconnected?.Invoke(block, tip.Height);
    }

    private Block ReadStoredBlock(BlockIndexEntry entry) => _database.ReadBlock(entry.Hash)
        ?? throw new NodeStorageException($"{_database.Path}: block {entry.Hash} at height {entry.Height} is in the index but its data is missing; the file is damaged");

    /// <summary>Marks a block that failed to connect, and every descendant, so no chain through it is tried again.</summary>
    private void MarkFailed(BlockIndexEntry failed, RuleViolation violation)
    {
        using (var batch = _database.BeginWrite())
        {
            WriteFailedStatus(batch, failed);
            batch.Commit();
        }
        MarkFailedInMemory(failed, violation);
    }

    /// <summary>The block and every descendant, the block first.</summary>
    private static List<BlockIndexEntry> WithDescendants(BlockIndexEntry block)
    {
        var all = new List<BlockIndexEntry> { block };
        for (int i = 0; i < all.Count; i++) all.AddRange(all[i].Children);
        return all;
    }

    private static void WriteFailedStatus(ChainWriteBatch batch, BlockIndexEntry failed)
    {
        foreach (var entry in WithDescendants(failed))
            batch.SetStatus(entry.Hash, entry.Status | (entry == failed ? BlockStatus.Failed : BlockStatus.FailedAncestor));
    }

    private void MarkFailedInMemory(BlockIndexEntry failed, RuleViolation violation)
    {
        failed.Failure = violation;
        var marked = WithDescendants(failed);
        foreach (var entry in marked)
        {
            entry.Status |= entry == failed ? BlockStatus.Failed : BlockStatus.FailedAncestor;
            _leaves.Remove(entry);
        }
        var parent = failed.Parent!;
        if (parent.Children.All(child => child.IsFailed)) _leaves.Add(parent);
    }

    public void Dispose()
    {
        lock (_lock) _database.Dispose();
    }
}
