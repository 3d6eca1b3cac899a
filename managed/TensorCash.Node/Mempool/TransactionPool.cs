using TensorCash.Chain.Crypto;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// The node's pool of valid unconfirmed transactions (Bitcoin Core's CTxMemPool with AcceptToMemoryPool).
/// <para>
/// A transaction is admitted only if it could be mined in the next block on top of the chain view it is checked
/// against: consensus checks, then policy (<see cref="MempoolPolicy"/>). It may spend outputs of other pooled
/// transactions (unconfirmed chains, bounded by the ancestor and descendant limits) but never a coin another pooled
/// transaction already spends: there is no replacement (no RBF), the first spend seen wins until a block decides.
/// </para>
/// <para>
/// The model registry: a transaction's registry output must pass the stateless rules (RegistryActions), and the
/// contextual ones against the registry after the tip (<see cref="RegistryPolicy"/>: duplicate, banned, no slot, a
/// challenge's model, status and proof); it may not spend a deposit the registry keeps locked, nor the deposit of a
/// pooled registration (locked once that confirms); and at most one pooled transaction registers a given model (the
/// first seen, as with spends). After each block the pooled transactions are checked against the new registry again.
/// </para>
/// <para>
/// The pool is capped by the serialized bytes of its transactions. When a newcomer takes it over the cap, packages are
/// evicted lowest descendant score first (a transaction with all its in-pool descendants), and the rolling minimum fee
/// rises above the evicted rate; it halves at each connected block while the pool is under half full.
/// </para>
/// <para>
/// Thread safety and admission in three steps. One lock guards all state and every public member takes it, but
/// <see cref="Accept"/> runs the scripts (the one costly check) without it: (a) under the lock, every other check
/// against the chain view and the pool, which gathers the coins the inputs spend; (b) with no lock held, the scripts
/// against those coins; (c) under the lock again, the checks of (a) once more against the pool as it is now (a rival
/// may have taken an input, a parent may have left, the fee floor may have risen), then the insertion. A script's
/// verdict depends only on the transaction and the outputs it spends, which its outpoints fix, so it stays true
/// whatever the pool does meanwhile; the chain view does not, so each connect and disconnect advances
/// <see cref="TipVersion"/>, and a transaction whose tip moved between (a) and (c) is refused with
/// <see cref="MempoolReasons.TipChanged"/> for the caller to offer it again on a fresh view (<see cref="Hosting.NodeMempool"/>
/// does). Two submissions of one txid at once: the second waits for the first's verdict instead of running the
/// scripts again. The chain view and time function passed in are called under the lock and must not call back into
/// the pool. The caller keeps the chain view and the pool in step (it calls <see cref="BlockConnected"/> before any
/// reader can see the block's coins), as Core holds cs_main with the mempool's lock.
/// </para>
/// </summary>
public sealed class TransactionPool
{
    private static readonly FeeRate MinimumRelayFeeRate = new(MempoolPolicy.MinRelayFeePerKilobyte);

    private readonly Lock _lock = new();
    private readonly Dictionary<Hash256, PoolEntry> _entries = new();
    /// <summary>Which pooled transaction spends each outpoint: the conflict check, and the links to children.</summary>
    private readonly Dictionary<OutPoint, PoolEntry> _spentBy = new();
    /// <summary>The pooled registration of each model id (at most one per model).</summary>
    private readonly Dictionary<Hash256, PoolEntry> _registrations = new();
    private readonly ModelRegistry _genesisRegistry;
    private readonly SortedSet<PoolEntry> _evictionOrder = new(PoolEntry.EvictionOrder);
    private long _totalBytes;
    private long _totalFees;
    private long _nextSequence;
    /// <summary>Raised by evictions, halved by blocks while the pool is under half full; 0 when no eviction is recent.</summary>
    private long _rollingMinimumPerKilobyte;
    /// <summary>Recently rejected txids and why (Core's m_recent_rejects), with their insertion order for eviction.</summary>
    private readonly Dictionary<Hash256, RuleViolation> _recentRejects = new();
    private readonly Queue<Hash256> _recentRejectOrder = new();
    /// <summary>The tip context the recent rejections were decided against; a different one empties the set.</summary>
    private (int NextHeight, long MedianTimePast, ModelRegistry Registry)? _recentRejectsTip;
    private long _recentRejectHits;
    /// <summary>Advanced by every connect and disconnect: a verdict reached on an older chain view is not inserted.</summary>
    private long _tipVersion;
    /// <summary>Txids between steps (a) and (c) of <see cref="Accept"/>, with the verdict a duplicate submission waits for.</summary>
    private readonly Dictionary<Hash256, Task<MempoolAcceptResult>> _inFlight = new();

    /// <param name="signatures">
    /// Where signatures verified at admission are remembered, so the block template and the block that carries the
    /// transaction do not verify them again; share the chainstate's (<see cref="Chainstate.ChainState.Signatures"/>).
    /// </param>
    /// <param name="requireStandardOutputs">
    /// Refuse outputs that are not standard templates ("scriptpubkey"); null: required everywhere but regtest (Core's
    /// -acceptnonstdtxn defaults to the chain's RequireStandard; regtest relays any output, as its tests pay to OP_TRUE).
    /// </param>
    public TransactionPool(ChainParams parameters, long maxBytes = MempoolPolicy.DefaultMaxPoolBytes, SignatureCache? signatures = null,
        bool? requireStandardOutputs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Parameters = parameters;
        RequireStandardOutputs = requireStandardOutputs ?? parameters.Network != Network.Regtest;
        MaxBytes = maxBytes;
        Signatures = signatures ?? new SignatureCache();
        _genesisRegistry = ModelRegistry.Genesis(parameters);
    }

    public ChainParams Parameters { get; }
    public long MaxBytes { get; }
    public SignatureCache Signatures { get; }
    /// <summary>Whether outputs must be standard templates (see the constructor).</summary>
    public bool RequireStandardOutputs { get; }

    /// <summary>How many rejected txids are remembered now (at most <see cref="MempoolPolicy.MaxRecentRejects"/>).</summary>
    public int RecentRejectCount
    {
        get { lock (_lock) return _recentRejects.Count; }
    }

    /// <summary>Submissions refused from the recent-rejects set, without validation.</summary>
    public long RecentRejectHits
    {
        get { lock (_lock) return _recentRejectHits; }
    }

    /// <summary>
    /// How many times the chain view the pool is kept in step with has moved (connects and disconnects). A caller that
    /// reads its chain view after reading this and passes it to <see cref="Accept"/> learns if the view went stale.
    /// </summary>
    public long TipVersion
    {
        get { lock (_lock) return _tipVersion; }
    }

    /// <summary>Test seam: runs in step (b) of <see cref="Accept"/> and <see cref="TestAccept"/>, before the scripts, with no lock held.</summary>
    internal Action<Transaction>? BeforeScriptChecks { get; set; }

    /// <summary>What a transaction is checked against: the chain tip's UTXO set and model registry, the next block's height and time context.</summary>
    private sealed record ChainTip(ICoinView Coins, int NextHeight, long MedianTimePast, Func<int, long> MedianTimePastAtHeight, ModelRegistry Registry);

    /// <summary>
    /// Validates <paramref name="tx"/> for inclusion in the block at <paramref name="nextHeight"/>, whose parent (the tip
    /// of <paramref name="chainCoins"/>) has median-time-past <paramref name="medianTimePast"/>, and admits it.
    /// <paramref name="medianTimePastAtHeight"/>(h) gives the median-time-past of the block at height h, which BIP68
    /// time locks measure from; without it, every confirmed coin is taken to be confirmed at the tip, which can defer a
    /// time-locked transaction that is already final but never admits one that is not (median-time-past never decreases
    /// along a chain). <paramref name="registry"/> is the model registry after the tip (null: the genesis registry, in
    /// which nothing is registered). <paramref name="tipVersion"/>: the <see cref="TipVersion"/> read before the chain
    /// view was; if the pool has seen the chain move since, the result is <see cref="MempoolReasons.TipChanged"/>
    /// (null: the view is current when step (a) runs). The scripts run with no lock held (see the class comment).
    /// </summary>
    public MempoolAcceptResult Accept(Transaction tx, ICoinView chainCoins, int nextHeight, long medianTimePast, Func<int, long>? medianTimePastAtHeight = null,
        ModelRegistry? registry = null, long? tipVersion = null)
    {
        var tip = new ChainTip(chainCoins, nextHeight, medianTimePast, medianTimePastAtHeight ?? (_ => medianTimePast), registry ?? _genesisRegistry);
        var txid = tx.Txid;
        Candidate candidate;
        long checkedAt;
        TaskCompletionSource<MempoolAcceptResult> verdict;
        Task<MempoolAcceptResult>? running;
        // (a) Every check but the scripts, under the lock.
        lock (_lock)
        {
            if (tipVersion is { } expected && expected != _tipVersion) return TipMoved(txid);
            checkedAt = _tipVersion;
            var context = (tip.NextHeight, tip.MedianTimePast, tip.Registry);
            if (_recentRejectsTip is not { } seen || seen.NextHeight != context.NextHeight || seen.MedianTimePast != context.MedianTimePast
                || !ReferenceEquals(seen.Registry, context.Registry))
            {
                ClearRecentRejects();
                _recentRejectsTip = context;
            }
            if (!_entries.ContainsKey(txid) && _recentRejects.TryGetValue(txid, out var known))
            {
                _recentRejectHits++;
                return new MempoolAcceptResult(txid, known, 0);
            }
            if (_inFlight.TryGetValue(txid, out running))
            {
                verdict = null!;
                candidate = null!;
            }
            else
            {
                if (PreCheck(tx, tip, revalidating: false, out candidate) is { } violation)
                    return Rejected(txid, violation, remember: medianTimePastAtHeight is not null);
                verdict = new TaskCompletionSource<MempoolAcceptResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                _inFlight.Add(txid, verdict.Task);
            }
        }
        if (running is not null)
        {
            // The same transaction is being checked by another caller: its verdict is this one's, without a second script run.
            var first = running.GetAwaiter().GetResult();
            return first.Accepted ? new MempoolAcceptResult(txid, new(MempoolReasons.AlreadyInPool, $"transaction {txid} is already in the pool"), 0) : first;
        }

        try
        {
            var result = VerifyAndInsert(candidate, tip, checkedAt, remember: medianTimePastAtHeight is not null);
            lock (_lock) _inFlight.Remove(txid);
            verdict.SetResult(result);
            return result;
        }
        catch (Exception e)
        {
            lock (_lock) _inFlight.Remove(txid);
            verdict.SetException(e);
            throw;
        }
    }

    /// <summary>Steps (b) and (c) of <see cref="Accept"/> for a candidate that passed step (a) at tip version <paramref name="checkedAt"/>.</summary>
    private MempoolAcceptResult VerifyAndInsert(Candidate candidate, ChainTip tip, long checkedAt, bool remember)
    {
        var tx = candidate.Tx;
        var txid = tx.Txid;
        // (b) The scripts, with no lock held: RPC calls, block connection and other submissions go on meanwhile.
        if (VerifyScripts(candidate) is { } script)
            lock (_lock) return Rejected(txid, script, remember: true); // a script verdict depends on nothing but the transaction and its coins
        // (c) The checks of (a) again against the pool as it is now, then the insertion.
        lock (_lock)
        {
            if (_tipVersion != checkedAt) return TipMoved(txid);
            if (PreCheck(tx, tip, revalidating: false, out var current) is { } violation) return Rejected(txid, violation, remember);
            Insert(current);
            TrimToSize();
            if (!_entries.TryGetValue(txid, out var admitted))
                return new MempoolAcceptResult(txid, new RuleViolation(MempoolReasons.PoolFull,
                    $"transaction {txid} was evicted on arrival: the pool is full ({MaxBytes} bytes) of transactions with better fee rates"), 0);
            return new MempoolAcceptResult(txid, null, admitted.Entry.Fee);
        }
    }

    /// <summary>
    /// Every check <see cref="Accept"/> makes, without admitting the transaction or remembering a rejection
    /// (testmempoolaccept). An accepted result carries the fee; the pool's size cap is not applied. The scripts run
    /// with no lock held, as in <see cref="Accept"/>.
    /// </summary>
    public MempoolAcceptResult TestAccept(Transaction tx, ICoinView chainCoins, int nextHeight, long medianTimePast, Func<int, long>? medianTimePastAtHeight = null,
        ModelRegistry? registry = null, long? tipVersion = null)
    {
        var tip = new ChainTip(chainCoins, nextHeight, medianTimePast, medianTimePastAtHeight ?? (_ => medianTimePast), registry ?? _genesisRegistry);
        Candidate candidate;
        lock (_lock)
        {
            if (tipVersion is { } expected && expected != _tipVersion) return TipMoved(tx.Txid);
            if (PreCheck(tx, tip, revalidating: false, out candidate) is { } violation) return new MempoolAcceptResult(tx.Txid, violation, 0);
        }
        if (VerifyScripts(candidate) is { } script) return new MempoolAcceptResult(tx.Txid, script, 0);
        return new MempoolAcceptResult(tx.Txid, null, candidate.Fee);
    }

    private static MempoolAcceptResult TipMoved(Hash256 txid) =>
        new(txid, new(MempoolReasons.TipChanged, $"transaction {txid}: the chain tip moved while it was being checked; offer it again"), 0);

    /// <summary>A rejection, remembered when it is the transaction's own verdict (<see cref="RememberRejection"/>). Under the lock.</summary>
    private MempoolAcceptResult Rejected(Hash256 txid, RuleViolation violation, bool remember)
    {
        // Without the chain's history, a relative time lock was judged conservatively: not a verdict to keep.
        if (remember || violation.Reason != MempoolReasons.NonBip68Final) RememberRejection(txid, violation);
        return new MempoolAcceptResult(txid, violation, 0);
    }

    /// <summary>
    /// A block was connected: its transactions leave the pool (their pooled children stay, now spending confirmed
    /// outputs), and so does every pooled transaction that spends a coin the block spent, with its descendants.
    /// With <paramref name="registry"/> (the model registry after the block), every pooled transaction is then checked
    /// against it again (a registration of a model the block registered, a challenge of a model it deactivated), and
    /// those that fail leave with their descendants. Returns the transactions removed as conflicts (wallets report
    /// them as double-spent).
    /// </summary>
    public IReadOnlyList<Transaction> BlockConnected(IReadOnlyList<Transaction> blockTransactions, ModelRegistry? registry = null)
    {
        lock (_lock)
        {
            _tipVersion++;
            ClearRecentRejects();
            var conflicts = new List<Transaction>();
            foreach (var tx in blockTransactions)
            {
                if (tx.IsCoinbase) continue;
                if (_entries.TryGetValue(tx.Txid, out var confirmed)) Remove([confirmed]);
                foreach (var input in tx.Inputs)
                {
                    if (!_spentBy.TryGetValue(input.Prevout, out var spender)) continue;
                    var package = spender.WithDescendants();
                    conflicts.AddRange(package.Select(e => e.Entry.Transaction));
                    Remove(package);
                }
            }
            if (registry is not null)
            {
                // Only actions can turn invalid on a connect: a block never locks a deposit that was spendable before it
                // (releases only move forward along a chain, a new deposit's output 0 is refused while its registration
                // is pooled, and a challenge forfeits only a deposit still locked); a reorganisation re-admits everything.
                foreach (var entry in _entries.Values.Where(e => e.Action is not null).OrderBy(e => e.Entry.Sequence).ToList())
                {
                    if (!_entries.ContainsKey(entry.Entry.Txid)) continue; // went with an earlier one's descendants
                    if (CheckRegistry(entry.Entry.Transaction, entry.Action, registry, registry.Height + 1, entry) is null) continue;
                    var package = entry.WithDescendants();
                    conflicts.AddRange(package.Select(e => e.Entry.Transaction));
                    Remove(package);
                }
            }
            DecayRollingMinimum();
            return conflicts;
        }
    }

    /// <summary>
    /// Blocks were disconnected (a reorganisation): offers their non-coinbase transactions
    /// (<paramref name="disconnectedTransactions"/>, oldest block first, each block in order) back to the pool, then
    /// re-checks every transaction already pooled, all against the new chain view. Any that no longer fit (spent or
    /// confirmed on the new chain, no longer final, spending a coinbase that is no longer mature) are dropped, with
    /// their descendants, and returned. Scripts are not run again: an outpoint names one immutable output, so a script
    /// check cannot change with the chain, and every rule is always on, so block and pool checks are the same (the
    /// disconnected transactions must therefore come from blocks this node connected, whose scripts it verified). Fee
    /// minimums are waived (these transactions were already paid for), then the pool is trimmed to its cap.
    /// Call it after the new chain's blocks are connected, or before them and then <see cref="BlockConnected"/> for each.
    /// </summary>
    public IReadOnlyList<Transaction> BlocksDisconnected(IReadOnlyList<Transaction> disconnectedTransactions, ICoinView chainCoins,
        int nextHeight, long medianTimePast, Func<int, long>? medianTimePastAtHeight = null, ModelRegistry? registry = null)
    {
        var tip = new ChainTip(chainCoins, nextHeight, medianTimePast, medianTimePastAtHeight ?? (_ => medianTimePast), registry ?? _genesisRegistry);
        lock (_lock)
        {
            _tipVersion++;
            ClearRecentRejects();
            // Rebuilding in dependency order (block transactions precede the pooled ones that may spend them; pooled
            // ones in admission order) re-derives every link and total from scratch.
            var candidates = disconnectedTransactions.Where(t => !t.IsCoinbase)
                .Concat(_entries.Values.OrderBy(e => e.Entry.Sequence).Select(e => e.Entry.Transaction)).ToList();
            _entries.Clear();
            _spentBy.Clear();
            _registrations.Clear();
            _evictionOrder.Clear();
            _totalBytes = 0;
            _totalFees = 0;
            foreach (var tx in candidates)
                if (PreCheck(tx, tip, revalidating: true, out var candidate) is null) Insert(candidate);
            TrimToSize();
            return candidates.Where(t => !_entries.ContainsKey(t.Txid)).DistinctBy(t => t.Txid).ToList();
        }
    }

    public MempoolInfo GetInfo()
    {
        lock (_lock)
            return new MempoolInfo(_entries.Count, _totalBytes, _totalFees, MaxBytes, CurrentMinimumFeeRate(), MinimumRelayFeeRate);
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public bool Contains(Hash256 txid)
    {
        lock (_lock) return _entries.ContainsKey(txid);
    }

    /// <summary>The pooled transaction with this txid and its fee, size and sigops (getrawtransaction, getmempoolentry), or null.</summary>
    public MempoolEntry? GetEntry(Hash256 txid)
    {
        lock (_lock) return _entries.TryGetValue(txid, out var entry) ? entry.Entry : null;
    }

    /// <summary>Every pooled entry in admission order, which is a topological order (parents before children).</summary>
    public IReadOnlyList<MempoolEntry> Snapshot()
    {
        lock (_lock) return _entries.Values.Select(e => e.Entry).OrderBy(e => e.Sequence).ToArray();
    }

    /// <summary>What passed every check but the scripts: what the scripts are run on, and what inserting it takes.</summary>
    private sealed record Candidate(Transaction Tx, Coin[] Coins, long Fee, int Size, int SigOps, RegistryAction? Action,
        HashSet<PoolEntry> Parents, HashSet<PoolEntry> Ancestors);

    /// <summary>
    /// Every check but the scripts (Core's PreChecks and policy), against the chain view and the pool as they are now;
    /// null with the <paramref name="candidate"/> when they pass. Under the lock. <paramref name="revalidating"/>
    /// (after a reorganisation) skips the fee minimums; see <see cref="BlocksDisconnected"/>.
    /// </summary>
    private RuleViolation? PreCheck(Transaction tx, ChainTip tip, bool revalidating, out Candidate candidate)
    {
        candidate = null!;
        if (TransactionRules.CheckTransaction(tx, Parameters) is { } consensus) return consensus;
        var txid = tx.Txid;
        if (tx.IsCoinbase)
            return new(MempoolReasons.Coinbase, $"transaction {txid} is a coinbase; it can only appear as a block's first transaction");
        if (StandardnessRules.Check(tx, RequireStandardOutputs) is { } nonStandard) return nonStandard;
        var (action, registryViolation) = RegistryActions.ExtractFromTransaction(tx, Parameters);
        if (registryViolation is not null) return registryViolation;
        if (!TransactionFinality.IsFinal(tx, tip.NextHeight, tip.MedianTimePast))
            return new(MempoolReasons.NonFinal, $"transaction {txid} has lock time {tx.LockTime}, not final for the block at height {tip.NextHeight} with median-time-past {tip.MedianTimePast}");
        if (_entries.ContainsKey(txid))
            return new(MempoolReasons.AlreadyInPool, $"transaction {txid} is already in the pool");
        for (int i = 0; i < tx.Inputs.Count; i++)
            if (_spentBy.TryGetValue(tx.Inputs[i].Prevout, out var rival))
                return new(MempoolReasons.Conflict, $"transaction {txid} input {i} spends {tx.Inputs[i].Prevout}, already spent by pooled transaction {rival.Entry.Txid} (no replacement)");

        var coins = new Coin[tx.Inputs.Count];
        var view = new BlockCoinOverlay(new PoolCoinView(tip.Coins, _entries, tip.NextHeight));
        if (BlockConnector.CheckInputs(tx, tip.NextHeight, view, Parameters, coins, out long fee) is { } inputs)
        {
            // Core's test: inputs are missing because the transaction itself is already confirmed.
            if (inputs.Reason == MempoolReasons.MissingInputs && HasConfirmedOutput(tx, tip.Coins))
                return new(MempoolReasons.AlreadyKnown, $"transaction {txid} is already confirmed (an output of it is in the chain's UTXO set)");
            return inputs;
        }
        // Consensus (BIP54): before anything costly, so a transaction spending scripts packed with CHECKSIGs is refused
        // by a scan of those scripts instead of running them.
        if (SpentSigOps.Check(tx, coins) is { } spentSigOps) return spentSigOps;
        // Core's AreInputsStandard: a coin whose script is no standard template (only a miner could have created it)
        // is not spent through the pool, so nobody can make the pool run an arbitrary script of someone else's making.
        if (RequireStandardOutputs)
            for (int i = 0; i < coins.Length; i++)
                if (!StandardnessRules.IsStandardOutputScript(coins[i].Output.ScriptPubKey))
                    return new(MempoolReasons.NonStandardInputs, $"transaction {txid} input {i} spends {tx.Inputs[i].Prevout}, whose script is no standard template");
        if (CheckRegistry(tx, action, tip.Registry, tip.NextHeight, self: null) is { } registryRule) return registryRule;
        if (!SequenceLocks.AreSatisfied(tx, coins.Select(c => c.Height).ToArray(), tip.NextHeight, tip.MedianTimePastAtHeight))
            return new(MempoolReasons.NonBip68Final, $"transaction {txid} has a relative lock time (BIP68) not yet met for the block at height {tip.NextHeight}");

        int sigOps = SigOpCounter.Count(tx);
        if (sigOps > MempoolPolicy.MaxStandardTransactionSigOps)
            return new(MempoolReasons.TooManySigOps, $"transaction {txid} has {sigOps} legacy sigops; the standard limit is {MempoolPolicy.MaxStandardTransactionSigOps}");

        int size = tx.SerializedSize;
        if (!revalidating && CheckFeeMinimums(txid, fee, size) is { } tooCheap) return tooCheap;

        var parents = tx.Inputs.Select(i => _entries.GetValueOrDefault(i.Prevout.Txid)).OfType<PoolEntry>().ToHashSet();
        var ancestors = PoolEntry.Ancestors(parents, stopAbove: MempoolPolicy.MaxAncestorCount - 1);
        if (ancestors.Count + 1 > MempoolPolicy.MaxAncestorCount)
            return new(MempoolReasons.ChainTooLong, $"transaction {txid} would have more than {MempoolPolicy.MaxAncestorCount} unconfirmed ancestors counting itself");
        foreach (var ancestor in ancestors)
            if (ancestor.DescendantCount + 1 > MempoolPolicy.MaxDescendantCount)
                return new(MempoolReasons.ChainTooLong, $"transaction {txid} would give pooled transaction {ancestor.Entry.Txid} {ancestor.DescendantCount + 1} descendants counting itself; the limit is {MempoolPolicy.MaxDescendantCount}");

        candidate = new Candidate(tx, coins, fee, size, sigOps, action, parents, ancestors);
        return null;
    }

    /// <summary>Step (b): the candidate's scripts against the coins step (a) gathered; with no lock held.</summary>
    private RuleViolation? VerifyScripts(Candidate candidate)
    {
        var tx = candidate.Tx;
        BeforeScriptChecks?.Invoke(tx);
        for (int i = 0; i < tx.Inputs.Count; i++)
            if (ScriptVerifier.VerifyInput(tx, i, candidate.Coins[i].Output, Signatures) is { } script)
                return script with { Message = $"transaction {tx.Txid} input {i}: {script.Message}" };
        return null;
    }

    /// <summary>
    /// The registry's contextual rules for a transaction in the block at <paramref name="spendHeight"/> after
    /// <paramref name="registry"/>: no input spends a locked deposit (the registry's, or output 0 of a pooled
    /// registration, which is a locked deposit once it confirms); a registration is the only pooled one of its model
    /// (<paramref name="self"/> is the transaction's own entry when it is pooled); and its action passes
    /// <see cref="RegistryPolicy"/> (the consensus transition).
    /// </summary>
    private RuleViolation? CheckRegistry(Transaction tx, RegistryAction? action, ModelRegistry registry, int spendHeight, PoolEntry? self)
    {
        var txid = tx.Txid;
        for (int i = 0; i < tx.Inputs.Count; i++)
        {
            var prevout = tx.Inputs[i].Prevout;
            if (registry.CheckDepositSpend(prevout, spendHeight) is { } locked)
                return locked with { Message = $"transaction {txid} input {i}: {locked.Message}" };
            if (prevout.Index == 0 && _entries.TryGetValue(prevout.Txid, out var parent) && parent.Action is RegistrationAction pending)
                return new(RegistryReasons.DepositLocked,
                    $"transaction {txid} input {i} spends the deposit of pooled registration {prevout.Txid} (model {Convert.ToHexStringLower(pending.Registration.ModelId.ToArray())}), which is locked once it confirms");
        }
        if (action is null) return null;
        if (action is RegistrationAction registration && _registrations.TryGetValue(registration.Registration.ModelId, out var rival) && rival != self)
            return new(RegistryReasons.RegDuplicate,
                $"registration {txid} of model {Convert.ToHexStringLower(registration.Registration.ModelId.ToArray())} ({registration.Registration.Name}): pooled transaction {rival.Entry.Txid} already registers it");
        return RegistryPolicy.Check(registry, [action], Parameters);
    }

    /// <summary>
    /// Rejections remembered (Core's m_recent_rejects): those decided by the transaction itself against the tip. Not
    /// those that other pooled transactions, or a parent that may still arrive, decide (missing inputs, a pooled
    /// conflict or duplicate registration, chain limits, a full pool), which can change without a new tip.
    /// </summary>
    private void RememberRejection(Hash256 txid, RuleViolation violation)
    {
        switch (violation.Reason)
        {
            case MempoolReasons.MissingInputs or MempoolReasons.AlreadyInPool or MempoolReasons.AlreadyKnown or MempoolReasons.Conflict
                or MempoolReasons.ChainTooLong or MempoolReasons.PoolFull or MempoolReasons.PoolMinimumFee or MempoolReasons.TipChanged
                or RegistryReasons.RegDuplicate or RegistryReasons.DepositLocked:
                return;
        }
        if (!_recentRejects.TryAdd(txid, violation)) return;
        _recentRejectOrder.Enqueue(txid);
        while (_recentRejects.Count > MempoolPolicy.MaxRecentRejects) _recentRejects.Remove(_recentRejectOrder.Dequeue());
    }

    private void ClearRecentRejects()
    {
        _recentRejects.Clear();
        _recentRejectOrder.Clear();
    }

    private RuleViolation? CheckFeeMinimums(Hash256 txid, long fee, int size)
    {
        if (_rollingMinimumPerKilobyte > 0)
        {
            long required = new FeeRate(_rollingMinimumPerKilobyte).FeeFor(size);
            if (fee < required)
                return new(MempoolReasons.PoolMinimumFee, $"transaction {txid} pays {fee} for {size} bytes; the pool, having evicted transactions, now asks {required} ({_rollingMinimumPerKilobyte}/kB)");
        }
        long relay = MinimumRelayFeeRate.FeeFor(size);
        if (fee < relay)
            return new(MempoolReasons.MinimumRelayFee, $"transaction {txid} pays {fee} for {size} bytes; the relay minimum is {relay} ({MinimumRelayFeeRate})");
        return null;
    }

    private static bool HasConfirmedOutput(Transaction tx, ICoinView chainCoins)
    {
        for (int o = 0; o < tx.Outputs.Count; o++)
            if (chainCoins.GetCoin(new OutPoint(tx.Txid, (uint)o)) is not null) return true;
        return false;
    }

    private void Insert(Candidate candidate)
    {
        var (action, parents, ancestors) = (candidate.Action, candidate.Parents, candidate.Ancestors);
        var entry = new MempoolEntry(candidate.Tx, candidate.Fee, candidate.Size, candidate.SigOps, _nextSequence++);
        var added = new PoolEntry(entry, action);
        if (action is RegistrationAction registration) _registrations[registration.Registration.ModelId] = added;
        foreach (var parent in parents)
        {
            added.Parents.Add(parent);
            parent.Children.Add(added);
        }
        foreach (var ancestor in ancestors) Reindex(ancestor, a => a.RecountDescendants());
        _entries.Add(entry.Txid, added);
        foreach (var input in entry.Transaction.Inputs) _spentBy.Add(input.Prevout, added);
        _evictionOrder.Add(added);
        _totalBytes += entry.Size;
        _totalFees += entry.Fee;
    }

    /// <summary>
    /// Removes <paramref name="removed"/>. Ancestors that stay have their descendant totals recounted; descendants that
    /// stay just lose the parent link (a confirmed parent's outputs are now in the chain view).
    /// </summary>
    private void Remove(IReadOnlyCollection<PoolEntry> removed)
    {
        var set = removed as HashSet<PoolEntry> ?? removed.ToHashSet();
        var affected = PoolEntry.Ancestors(set.SelectMany(e => e.Parents));
        affected.ExceptWith(set);
        // Out of the index before any key changes: the removed entries' and the affected ancestors' keys.
        foreach (var entry in set) _evictionOrder.Remove(entry);
        foreach (var ancestor in affected) _evictionOrder.Remove(ancestor);
        foreach (var entry in set)
        {
            foreach (var parent in entry.Parents) parent.Children.Remove(entry);
            foreach (var child in entry.Children) child.Parents.Remove(entry);
            _entries.Remove(entry.Entry.Txid);
            foreach (var input in entry.Entry.Transaction.Inputs) _spentBy.Remove(input.Prevout);
            if (entry.Action is RegistrationAction registration && _registrations.GetValueOrDefault(registration.Registration.ModelId) == entry)
                _registrations.Remove(registration.Registration.ModelId);
            _totalBytes -= entry.Entry.Size;
            _totalFees -= entry.Entry.Fee;
        }
        foreach (var ancestor in affected)
        {
            ancestor.RecountDescendants();
            _evictionOrder.Add(ancestor);
        }
    }

    /// <summary>Evicts the package of the lowest descendant score until the pool fits its cap, raising the rolling minimum.</summary>
    private void TrimToSize()
    {
        while (_totalBytes > MaxBytes && _evictionOrder.Count > 0)
        {
            var worst = _evictionOrder.Min!;
            long evictedRate = FeeRate.Of(worst.DescendantFees, worst.DescendantBytes).PerKilobyte;
            _rollingMinimumPerKilobyte = Math.Max(_rollingMinimumPerKilobyte, evictedRate + MempoolPolicy.IncrementalRelayFeePerKilobyte);
            Remove(worst.WithDescendants());
        }
    }

    /// <summary>
    /// Lets the rolling minimum fall once the pressure is gone: halved at each block while the pool is under half its
    /// cap, and dropped below half the incremental rate. (Core decays it by wall-clock half-life; blocks keep this
    /// deterministic.)
    /// </summary>
    private void DecayRollingMinimum()
    {
        if (_rollingMinimumPerKilobyte == 0 || _totalBytes >= MaxBytes / 2) return;
        _rollingMinimumPerKilobyte /= 2;
        if (_rollingMinimumPerKilobyte < MempoolPolicy.IncrementalRelayFeePerKilobyte / 2) _rollingMinimumPerKilobyte = 0;
    }

    private FeeRate CurrentMinimumFeeRate() => FeeRate.Max(new FeeRate(_rollingMinimumPerKilobyte), MinimumRelayFeeRate);

    /// <summary>A key of the eviction index is about to change: take the entry out, change it, put it back.</summary>
    private void Reindex(PoolEntry entry, Action<PoolEntry> change)
    {
        _evictionOrder.Remove(entry);
        change(entry);
        _evictionOrder.Add(entry);
    }
}
