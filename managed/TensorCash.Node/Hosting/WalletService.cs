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
/// coins before either reaches the mempool.
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

    public WalletBalance GetBalance()
    {
        var (utxos, tipHeight) = ReadChain();
        var pooled = mempool.Pool.Snapshot();
        var unconfirmed = pooled.SelectMany(e => e.Transaction.Outputs.Select((output, n) =>
            KeyValuePair.Create(new OutPoint(e.Txid, (uint)n), output)));
        return wallet.GetBalance(utxos, tipHeight, unconfirmed, SpentBy(pooled));
    }

    public IReadOnlyList<WalletCoin> ListUnspent()
    {
        var (utxos, tipHeight) = ReadChain();
        return wallet.ListUnspent(utxos, tipHeight, SpentBy(mempool.Pool.Snapshot()));
    }

    /// <summary>Current default fee rate: <see cref="DefaultFeeRatePerKilobyte"/>, raised to the mempool's minimum when the pool is full.</summary>
    public long DefaultFeeRate => Math.Max(DefaultFeeRatePerKilobyte, mempool.Pool.GetInfo().MinimumFeeRate.PerKilobyte);

    /// <summary>
    /// Pays <paramref name="amount"/> to <paramref name="address"/> at <paramref name="feeRatePerKilobyte"/> and submits
    /// the transaction to the mempool.
    /// </summary>
    /// <exception cref="WalletException">A bad address or amount, insufficient funds, a too large transaction.</exception>
    /// <exception cref="MempoolRejectedException">The mempool refused the signed transaction.</exception>
    public WalletPayment Send(string address, long amount, long feeRatePerKilobyte)
    {
        lock (_sending)
        {
            var (utxos, tipHeight) = ReadChain();
            var created = wallet.CreateTransaction(address, amount, feeRatePerKilobyte, utxos, tipHeight, SpentBy(mempool.Pool.Snapshot()));
            var result = mempool.Submit(created.Transaction);
            if (!result.Accepted) throw new MempoolRejectedException(result);
            return new WalletPayment(created.Transaction, created.Fee);
        }
    }

    private (IReadOnlyList<KeyValuePair<OutPoint, Chain.Ledger.Coin>> Utxos, int TipHeight) ReadChain()
    {
        // The tip is read first: a block arriving during the scan can only make coins look younger, never immature ones mature.
        int tipHeight = chain.Tip.Height;
        return (chain.GetUtxoSet(), tipHeight);
    }

    private static HashSet<OutPoint> SpentBy(IReadOnlyList<MempoolEntry> pooled) =>
        pooled.SelectMany(e => e.Transaction.Inputs.Select(i => i.Prevout)).ToHashSet();
}

/// <summary>The mempool refused a transaction the wallet made (for example a fee below the mempool's current minimum).</summary>
public sealed class MempoolRejectedException(MempoolAcceptResult result) : Exception($"the mempool refused transaction {result.Txid}: {result.Rejection}")
{
    public MempoolAcceptResult Result { get; } = result;
}
