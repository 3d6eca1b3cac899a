using System.Buffers.Binary;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// Assembles the next block's transactions from the pool (Core's BlockAssembler::CreateNewBlock): a coinbase claiming
/// the subsidy and every fee, then the pool's transactions by ancestor score (<see cref="AncestorPackageSelection"/>)
/// within the size and sigop limits, less the room the header and the coinbase take.
/// </summary>
public static class BlockTemplateBuilder
{
    /// <summary>The extra nonce is pushed as 8 little-endian bytes: a fixed width keeps the coinbase size, and so the space left, unchanged as it counts up.</summary>
    private const int ExtraNonceBytes = sizeof(ulong);

    /// <summary>
    /// Builds the template for the block at <paramref name="height"/> on the chain whose UTXO set is
    /// <paramref name="chainCoins"/> and whose tip has median-time-past <paramref name="medianTimePast"/>; the pool must be
    /// in step with that chain. The coinbase scriptSig is the BIP34 height push then the push of
    /// <paramref name="extraNonce"/>; its single output pays <paramref name="subsidy"/> plus the fees to
    /// <paramref name="coinbaseScriptPubKey"/>. <paramref name="maxBlockBytes"/> and <paramref name="maxSigOps"/> are
    /// capped at the consensus limits. Like Core's TestBlockValidity, the result is checked with the block rules before
    /// it is returned (<paramref name="medianTimePastAtHeight"/> as for <see cref="TransactionPool.Accept"/>), so a pool
    /// out of step with the chain raises <see cref="InvalidOperationException"/> instead of yielding an invalid block.
    /// </summary>
    public static BlockTemplate Build(TransactionPool pool, ICoinView chainCoins, int height, long medianTimePast, long subsidy,
        byte[] coinbaseScriptPubKey, int maxBlockBytes, int maxSigOps, ulong extraNonce, Func<int, long>? medianTimePastAtHeight = null)
    {
        var parameters = pool.Parameters;
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (!Money.InRange(subsidy, parameters.MaxMoney))
            throw new ArgumentOutOfRangeException(nameof(subsidy), subsidy, $"the subsidy must be within [0, {parameters.MaxMoney}]");
        int byteLimit = Math.Min(maxBlockBytes, parameters.MaxBlockBytes);
        int sigOpLimit = Math.Min(maxSigOps, parameters.MaxBlockSigOps);

        // The coinbase's size and sigops do not depend on its value (an output value is always 8 bytes).
        var draft = Coinbase(height, extraNonce, coinbaseScriptPubKey, subsidy);
        long byteBudget = byteLimit - BlockHeader.Size - draft.SerializedSize;
        long sigOpBudget = sigOpLimit - SigOpCounter.Count(draft);
        if (byteBudget < 1 || sigOpBudget < 0)
            throw new ArgumentOutOfRangeException(nameof(maxBlockBytes), $"{byteLimit} bytes and {sigOpLimit} sigops leave no room for the header ({BlockHeader.Size} bytes) and the coinbase ({draft.SerializedSize} bytes, {SigOpCounter.Count(draft)} sigops)");

        var entries = AncestorPackageSelection.Select(pool.Snapshot(), byteBudget, sigOpBudget, transactionsAlready: 1);
        long fees = 0;
        foreach (var entry in entries)
            if (!Money.TryAdd(fees, entry.Fee, parameters.MaxMoney, out fees))
                throw new InvalidOperationException($"the selected transactions' fees exceed {parameters.MaxMoney}; the pool holds transactions no chain could have funded");
        if (!Money.TryAdd(subsidy, fees, parameters.MaxMoney, out long reward))
            throw new InvalidOperationException($"subsidy {subsidy} plus fees {fees} exceed {parameters.MaxMoney}");

        var coinbase = Coinbase(height, extraNonce, coinbaseScriptPubKey, reward);
        Transaction[] transactions = [coinbase, .. entries.Select(e => e.Transaction)];
        var merkleRoot = MerkleTree.BlockRoot(transactions, out _);
        var block = new Block(new BlockHeader(0, Hash256.Zero, merkleRoot, 0, 0, 0, Hash256.Zero, Hash256.Zero, 0), transactions, []);
        var template = new BlockTemplate(height, coinbase, entries, transactions, fees, merkleRoot, block.TransactionBytes,
            transactions.Sum(SigOpCounter.Count));

        var violation = BlockRules.CheckBlock(block, parameters)
            ?? BlockRules.ContextualCheckBlock(block, height, medianTimePast, parameters)
            ?? BlockConnector.Connect(block, height, chainCoins, parameters, medianTimePastAtHeight ?? (_ => medianTimePast), pool.Signatures).Violation;
        if (violation is not null)
            throw new InvalidOperationException($"the block template for height {height} fails the block rules ({violation}); the pool is out of step with the chain view it was built against");
        return template;
    }

    /// <summary>The coinbase: one input with the null prevout and scriptSig = BIP34 height push || push of the 8-byte extra nonce; one output.</summary>
    public static Transaction Coinbase(int height, ulong extraNonce, byte[] scriptPubKey, long value)
    {
        var nonce = new byte[ExtraNonceBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, extraNonce);
        byte[] scriptSig = [.. CoinbaseHeight.Prefix(height), ExtraNonceBytes, .. nonce];
        return new Transaction(1, [new TxIn(OutPoint.Null, scriptSig)], [new TxOut(value, scriptPubKey)], 0);
    }
}
