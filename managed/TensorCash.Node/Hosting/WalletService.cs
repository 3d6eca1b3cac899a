using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Node.Wallet;

namespace TensorCash.Node.Hosting;

/// <summary>A payment the wallet made and the mempool accepted.</summary>
public sealed record WalletPayment(Transaction Transaction, long Fee);

/// <summary>
/// The wallet working against the node: balances and unspent coins from the chainstate's UTXO set and the mempool,
/// and payments that go straight into the mempool. Payments are made one at a time, so two cannot pick the same
/// coins before either reaches the mempool. A payment spends confirmed coins when they suffice, and otherwise also the
/// wallet's own unconfirmed outputs (Bitcoin Core's "trusted pending": change, or payments to itself, of pooled
/// transactions whose every input is the wallet's), so a second payment need not wait for the first one's block.
/// </summary>
public sealed class WalletService(ChainState chain, NodeMempool mempool, NodeWallet wallet)
{
    /// <summary>
    /// The fee rate (base units per 1000 bytes) when the caller gives none: twice the relay minimum, or the mempool's
    /// current minimum if that is higher, so a payment is accepted and mined without fee estimation.
    /// </summary>
    public const long DefaultFeeRatePerKilobyte = 2 * MempoolPolicy.MinRelayFeePerKilobyte;

    private readonly Lock _sending = new();

    public NodeWallet Wallet => wallet;

    /// <summary>The balance; model deposits the registry still locks count as immature (they come back later, or never if forfeited).</summary>
    public WalletBalance GetBalance()
    {
        var (utxos, tipHeight) = ReadChain();
        var pooled = mempool.Pool.Snapshot();
        var locked = LockedDeposits(utxos, pooled, tipHeight);
        var unconfirmed = pooled.SelectMany(e => e.Transaction.Outputs.Select((output, n) =>
            KeyValuePair.Create(new OutPoint(e.Txid, (uint)n), output)));
        var spent = SpentBy(pooled);
        var balance = wallet.GetBalance(utxos, tipHeight, unconfirmed, spent.Union(locked).ToHashSet());
        long lockedValue = utxos.Where(u => locked.Contains(u.Key) && !spent.Contains(u.Key) && wallet.IsMine(u.Value.Output.ScriptPubKey)).Sum(u => u.Value.Output.Value);
        return balance with { Immature = balance.Immature + lockedValue };
    }

    public IReadOnlyList<WalletCoin> ListUnspent()
    {
        var (utxos, tipHeight) = ReadChain();
        var pooled = mempool.Pool.Snapshot();
        return wallet.ListUnspent(utxos, tipHeight, SpentBy(pooled).Union(LockedDeposits(utxos, pooled, tipHeight)).ToHashSet());
    }

    /// <summary>
    /// Registration deposits no transaction in the next block may spend (registry.md §3): confirmed ones the registry
    /// after the tip still locks, and output 0 of pooled registrations. The wallet leaves them out of coin selection,
    /// as it leaves out coins the mempool already spends, so a payment never picks a coin every node would refuse.
    /// </summary>
    private HashSet<OutPoint> LockedDeposits(IReadOnlyList<KeyValuePair<OutPoint, Chain.Ledger.Coin>> utxos, IReadOnlyList<MempoolEntry> pooled, int tipHeight)
    {
        var registry = chain.Registry;
        var locked = utxos.Where(u => registry.CheckDepositSpend(u.Key, tipHeight + 1) is not null).Select(u => u.Key).ToHashSet();
        foreach (var entry in pooled)
            if (entry.Transaction.Outputs.Any(o => Chain.Registry.RegistryScripts.Classify(o.ScriptPubKey) == Chain.Registry.RegistryOutputKind.Registration))
                locked.Add(new OutPoint(entry.Txid, 0));
        return locked;
    }

    /// <summary>Current default fee rate: <see cref="DefaultFeeRatePerKilobyte"/>, raised to the mempool's minimum when the pool is full.</summary>
    public long DefaultFeeRate => Math.Max(DefaultFeeRatePerKilobyte, mempool.Pool.GetInfo().MinimumFeeRate.PerKilobyte);

    /// <summary>
    /// Pays <paramref name="amount"/> to <paramref name="address"/> at <paramref name="feeRatePerKilobyte"/> and submits
    /// the transaction to the mempool.
    /// </summary>
    /// <exception cref="WalletException">A bad address or amount, insufficient funds, a too large transaction.</exception>
    /// <exception cref="MempoolRejectedException">The mempool refused the signed transaction.</exception>
    public WalletPayment Send(string address, long amount, long feeRatePerKilobyte, IReadOnlyList<TxOut>? dataOutputs = null)
    {
        if (!Address.TryDecode(address, wallet.Parameters.Bech32Hrp, out var hash160, out var error))
            throw new WalletException(WalletError.InvalidAddress, $"invalid destination address: {error}");
        return Send(ScriptTemplates.PayToPubKeyHash(hash160), amount, feeRatePerKilobyte, dataOutputs);
    }

    /// <summary>
    /// As the address overload, paying any spendable script, optionally followed by zero-value OP_RETURN
    /// <paramref name="dataOutputs"/> (a model registration puts its deposit at output 0 and its payload after it).
    /// </summary>
    public WalletPayment Send(byte[] destinationScript, long amount, long feeRatePerKilobyte, IReadOnlyList<TxOut>? dataOutputs = null)
    {
        lock (_sending)
        {
            var (utxos, tipHeight) = ReadChain();
            var pooled = mempool.Pool.Snapshot();
            var spent = SpentBy(pooled);
            spent.UnionWith(LockedDeposits(utxos, pooled, tipHeight));
            CreatedTransaction created;
            try
            {
                created = wallet.CreateTransaction(destinationScript, amount, feeRatePerKilobyte, utxos, tipHeight, spent, dataOutputs);
            }
            catch (WalletException e) when (e.Error == WalletError.InsufficientFunds && OwnPendingOutputs(utxos, pooled, spent, tipHeight) is { Count: > 0 } pending)
            {
                created = wallet.CreateTransaction(destinationScript, amount, feeRatePerKilobyte, [.. utxos, .. pending], tipHeight, spent, dataOutputs);
            }
            var result = mempool.Submit(created.Transaction);
            if (!result.Accepted) throw new MempoolRejectedException(result);
            return new WalletPayment(created.Transaction, created.Fee);
        }
    }

    /// <summary>
    /// Restores <paramref name="mnemonic"/> into the (new, empty) wallet and finds its keys, up to the gap limit, among
    /// the output scripts of the UTXO set and the mempool. Returns the number of keys found in use.
    /// </summary>
    public int RestoreMnemonic(string mnemonic)
    {
        lock (_sending)
        {
            var (utxos, _) = ReadChain();
            var scripts = utxos.Select(u => u.Value.Output.ScriptPubKey)
                .Concat(mempool.Pool.Snapshot().SelectMany(e => e.Transaction.Outputs.Select(o => o.ScriptPubKey)));
            return wallet.ImportMnemonic(mnemonic, scripts);
        }
    }

    private (IReadOnlyList<KeyValuePair<OutPoint, Chain.Ledger.Coin>> Utxos, int TipHeight) ReadChain()
    {
        // The tip is read first: a block arriving during the scan can only make coins look younger, never immature ones mature.
        int tipHeight = chain.Tip.Height;
        return (chain.GetUtxoSet(), tipHeight);
    }

    /// <summary>
    /// The wallet's outputs of pooled transactions that spend only the wallet's coins (confirmed, or outputs of such
    /// pooled transactions), not yet spent in the pool, as coins of the next block's height. Only the wallet could have
    /// made those transactions, so they cannot be withdrawn by somebody else's conflicting spend.
    /// </summary>
    private List<KeyValuePair<OutPoint, Chain.Ledger.Coin>> OwnPendingOutputs(
        IReadOnlyList<KeyValuePair<OutPoint, Chain.Ledger.Coin>> utxos, IReadOnlyList<MempoolEntry> pooled, HashSet<OutPoint> spent, int tipHeight)
    {
        var ours = utxos.Where(u => wallet.IsMine(u.Value.Output.ScriptPubKey)).Select(u => u.Key).ToHashSet();
        var pendingOutputs = new Dictionary<OutPoint, TxOut>();
        var trusted = new HashSet<Chain.Primitives.Hash256>();
        // The snapshot need not list parents first, so sweep until a pass trusts nothing new.
        for (bool progress = true; progress;)
        {
            progress = false;
            foreach (var entry in pooled)
            {
                if (trusted.Contains(entry.Txid) || !entry.Transaction.Inputs.All(i => ours.Contains(i.Prevout))) continue;
                trusted.Add(entry.Txid);
                progress = true;
                var outputs = entry.Transaction.Outputs;
                for (int n = 0; n < outputs.Count; n++)
                {
                    if (!wallet.IsMine(outputs[n].ScriptPubKey)) continue;
                    var outPoint = new OutPoint(entry.Txid, (uint)n);
                    ours.Add(outPoint);
                    pendingOutputs[outPoint] = outputs[n];
                }
            }
        }
        return pendingOutputs.Where(p => !spent.Contains(p.Key))
            .Select(p => KeyValuePair.Create(p.Key, new Chain.Ledger.Coin(p.Value, tipHeight + 1, IsCoinbase: false))).ToList();
    }

    private static HashSet<OutPoint> SpentBy(IReadOnlyList<MempoolEntry> pooled) =>
        pooled.SelectMany(e => e.Transaction.Inputs.Select(i => i.Prevout)).ToHashSet();
}

/// <summary>The mempool refused a transaction the wallet made (for example a fee below the mempool's current minimum).</summary>
public sealed class MempoolRejectedException(MempoolAcceptResult result) : Exception($"the mempool refused transaction {result.Txid}: {result.Rejection}")
{
    public MempoolAcceptResult Result { get; } = result;
}
