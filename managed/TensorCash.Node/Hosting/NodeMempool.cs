using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;

namespace TensorCash.Node.Hosting;

/// <summary>
/// The node's mempool kept in step with its chainstate. A connected block's transactions (and whatever conflicts with
/// them, or no longer passes the registry after it) leave the pool; a disconnected block's transactions are offered
/// back, checked against the chain and the model registry at its parent.
/// <para>
/// Locking. The chainstate raises its events holding its lock, and the handlers here take the pool's lock: the order is
/// chain, pool. A transaction from outside (<see cref="Submit"/>) must not take the chain lock inside the pool lock, so
/// it is checked against a snapshot of the coins it touches, read beforehand with no pool lock held. The pool's
/// <see cref="TransactionPool.TipVersion"/>, which each connect and disconnect advances while the chain lock is held
/// (so before any reader can see the new coins), is read before the snapshot; the pool refuses the snapshot with
/// <see cref="MempoolReasons.TipChanged"/> if the version moved since, either before the checks or after the scripts,
/// which run with no lock held, and then the snapshot is read again and the transaction checked again (its verified
/// signatures are cached, so a second round costs little). Block templates read the pool and then the chain, never
/// one inside the other, and are discarded the same way when the chain moved.
/// </para>
/// </summary>
public sealed class NodeMempool
{
    /// <summary>How many times a submission re-reads its snapshot while blocks keep arriving before it gives up.</summary>
    public const int MaxSnapshotAttempts = 100;

    private readonly ChainState _chain;
    private readonly ChainParams _parameters;

    public NodeMempool(ChainState chain, ChainParams parameters, TransactionPool pool)
    {
        _chain = chain;
        _parameters = parameters;
        Pool = pool;
        chain.BlockConnected += OnBlockConnected;
        chain.BlockDisconnected += OnBlockDisconnected;
    }

    public TransactionPool Pool { get; }

    private void OnBlockConnected(Block block, int height)
    {
        // Raised under the chain's lock with the block as the tip: its registry is the one the pool now meets.
        Pool.BlockConnected(block.Transactions, _chain.GetRegistry(block.Header.Hash));
    }

    /// <summary>The chain is now at the block's parent: the block's transactions go back to the pool if they still fit there.</summary>
    private void OnBlockDisconnected(Block block, int height)
    {
        long parentMedianTimePast = _chain.GetMedianTimePast(block.Header.PrevBlock)!.Value;
        Pool.BlocksDisconnected(block.Transactions, _chain, height, parentMedianTimePast, _chain.GetMedianTimePastAtHeight,
            _chain.GetRegistry(block.Header.PrevBlock));
    }

    /// <summary>Raised after <see cref="Submit"/> added a transaction to the pool (the peer-to-peer layer relays it).</summary>
    public event Action<Transaction>? TransactionAccepted;

    /// <summary>
    /// Offers a transaction to the pool, checked for the block after the current tip (sendrawtransaction, the wallet,
    /// transactions relayed by peers). Its scripts run with no lock held.
    /// </summary>
    public MempoolAcceptResult Submit(Transaction tx)
    {
        var result = OnFreshSnapshot(tx, (snapshot, version) =>
            Pool.Accept(tx, snapshot.Coins, snapshot.NextHeight, snapshot.TipMedianTimePast, snapshot.MedianTimePastAt, snapshot.Registry, version));
        if (result.Accepted) TransactionAccepted?.Invoke(tx); // outside the pool's lock: the handler (relay) may take others
        return result;
    }

    /// <summary>Checks a transaction as <see cref="Submit"/> does, without adding it to the pool (testmempoolaccept).</summary>
    public MempoolAcceptResult TestAccept(Transaction tx) => OnFreshSnapshot(tx, (snapshot, version) =>
        Pool.TestAccept(tx, snapshot.Coins, snapshot.NextHeight, snapshot.TipMedianTimePast, snapshot.MedianTimePastAt, snapshot.Registry, version));

    /// <summary>Runs <paramref name="check"/> on a snapshot of the chain until it is not refused for a tip that moved.</summary>
    private MempoolAcceptResult OnFreshSnapshot(Transaction tx, Func<ChainSnapshot, long, MempoolAcceptResult> check)
    {
        for (int attempt = 0; attempt < MaxSnapshotAttempts; attempt++)
        {
            long version = Pool.TipVersion;
            var result = check(ChainSnapshot.Read(_chain, tx), version);
            if (result.Rejection?.Reason != MempoolReasons.TipChanged) return result;
        }
        throw new InvalidOperationException($"transaction {tx.Txid}: the chain moved {MaxSnapshotAttempts} times while it was being checked; try again");
    }

    /// <summary>
    /// The next block's content on the tip at <paramref name="height"/> - 1 with median-time-past
    /// <paramref name="parentMedianTimePast"/>: a coinbase paying <paramref name="coinbaseScript"/> the subsidy and the
    /// fees, then pooled transactions by ancestor fee rate. If the chain moves while it is built, the template would
    /// mix two chains; then the block holds the coinbase alone (a valid block on the tip it was asked for, which the
    /// caller is about to find stale anyway).
    /// </summary>
    public BlockContent BuildContent(int height, long parentMedianTimePast, byte[] coinbaseScript, ulong extraNonce)
    {
        long subsidy = Subsidy.GetBlockSubsidy(height, _parameters);
        long generation = Pool.TipVersion;
        try
        {
            var tip = _chain.Tip;
            // The tip moved before the generation was read: the caller's candidate is stale already (as below).
            if (tip.Height != height - 1) return new BlockContent([BlockTemplateBuilder.Coinbase(height, extraNonce, coinbaseScript, subsidy)], []);
            var template = BlockTemplateBuilder.Build(Pool, _chain, height, parentMedianTimePast, subsidy, coinbaseScript,
                _parameters.MaxBlockBytes, _parameters.MaxBlockSigOps, extraNonce, _chain.GetMedianTimePastAtHeight, tip.Registry);
            return new BlockContent(template.Transactions, template.Entries.Select(e => e.Fee).ToArray());
        }
        catch (InvalidOperationException) when (ChainMoved(generation))
        {
            return new BlockContent([BlockTemplateBuilder.Coinbase(height, extraNonce, coinbaseScript, subsidy)], []);
        }
    }

    private bool ChainMoved(long generation) => generation != Pool.TipVersion;

    /// <summary>
    /// What a transaction's admission reads from the chain, read with the chain's own locking before the pool lock is
    /// taken: the tip and its model registry, the coins its inputs spend and its own outputs (already confirmed?), and
    /// the median-time-past of the blocks BIP68 measures from.
    /// </summary>
    private sealed record ChainSnapshot(MemoryCoinView Coins, int NextHeight, long TipMedianTimePast, IReadOnlyDictionary<int, long> MedianTimePasts,
        Chain.Registry.ModelRegistry Registry)
    {
        public static ChainSnapshot Read(ChainState chain, Transaction tx)
        {
            var tip = chain.Tip;
            long tipMedianTimePast = chain.GetMedianTimePast(tip.Hash)!.Value;
            var coins = new MemoryCoinView();
            var medianTimePasts = new Dictionary<int, long> { [tip.Height] = tipMedianTimePast };
            foreach (var input in tx.Inputs)
            {
                // A duplicated input is the pool's to reject (bad-txns-inputs-duplicate); the snapshot holds each coin once.
                if (coins.GetCoin(input.Prevout) is not null || chain.GetCoin(input.Prevout) is not { } coin) continue;
                coins.Add(input.Prevout, coin);
                int height = Math.Max(coin.Height - 1, 0);
                if (!medianTimePasts.ContainsKey(height) && chain.GetBlockHash(height) is { } hash && chain.GetMedianTimePast(hash) is { } mtp)
                    medianTimePasts[height] = mtp;
            }
            for (int o = 0; o < tx.Outputs.Count; o++)
            {
                var outPoint = new OutPoint(tx.Txid, (uint)o);
                if (coins.GetCoin(outPoint) is null && chain.GetCoin(outPoint) is { } confirmed) coins.Add(outPoint, confirmed);
            }
            return new ChainSnapshot(coins, tip.Height + 1, tipMedianTimePast, medianTimePasts, tip.Registry);
        }

        /// <summary>
        /// A height the snapshot did not read (the pool asks only for those it did) gets the tip's median-time-past: the
        /// latest possible, which can only make a relative time lock look unmet, never met early.
        /// </summary>
        public long MedianTimePastAt(int height) => MedianTimePasts.TryGetValue(height, out long mtp) ? mtp : TipMedianTimePast;
    }
}
