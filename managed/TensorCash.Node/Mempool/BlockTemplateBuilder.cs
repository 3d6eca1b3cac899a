using System.Buffers.Binary;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// Assembles the next block's transactions from the pool (Core's BlockAssembler::CreateNewBlock): a coinbase claiming
/// the subsidy and every fee, then the pool's transactions by ancestor score (<see cref="AncestorPackageSelection"/>)
/// within the size and sigop limits, less the room the header and the coinbase take. The model registry's rules hold
/// for the result: transactions whose registry actions would fail in this block (a second registration of a model, no
/// free slot, a challenge over the per-block cap or of a model an earlier one deactivated) or that spend a deposit the
/// block's registry keeps locked are left out, with their descendants.
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
    /// capped at the consensus limits. <paramref name="registry"/> is the model registry after the tip (null: the
    /// genesis registry, in which nothing is registered). Like Core's TestBlockValidity, the result is checked with the
    /// block and registry rules before it is returned (<paramref name="medianTimePastAtHeight"/> as for
    /// <see cref="TransactionPool.Accept"/>), so a pool out of step with the chain raises
    /// <see cref="InvalidOperationException"/> instead of yielding an invalid block.
    /// </summary>
    public static BlockTemplate Build(TransactionPool pool, ICoinView chainCoins, int height, long medianTimePast, long subsidy,
        byte[] coinbaseScriptPubKey, int maxBlockBytes, int maxSigOps, ulong extraNonce, Func<int, long>? medianTimePastAtHeight = null,
        ModelRegistry? registry = null)
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

        registry ??= ModelRegistry.Genesis(parameters);
        var entries = FitRegistry(AncestorPackageSelection.Select(pool.Snapshot(), byteBudget, sigOpBudget, transactionsAlready: 1), registry, height, parameters);
        long fees = 0;
        foreach (var entry in entries)
            if (!Money.TryAdd(fees, entry.Fee, parameters.MaxMoney, out fees))
                throw new InvalidOperationException($"the selected transactions' fees exceed {parameters.MaxMoney}; the pool holds transactions no chain could have funded");
        if (!Money.TryAdd(subsidy, fees, parameters.MaxMoney, out long reward))
            throw new InvalidOperationException($"subsidy {subsidy} plus fees {fees} exceed {parameters.MaxMoney}");

        var coinbase = Coinbase(height, extraNonce, coinbaseScriptPubKey, reward);
        Transaction[] transactions = [coinbase, .. entries.Select(e => e.Transaction)];
        var merkleRoot = MerkleTree.BlockRoot(transactions, out _);
        var block = new Block(new BlockHeader(0, Hash256.Zero, merkleRoot, 0, 0, 0, Hash256.Zero, Hash256.Zero, 0, Hash256.Zero, 0), [], transactions, []);
        var template = new BlockTemplate(height, coinbase, entries, transactions, fees, merkleRoot, block.TransactionBytes,
            transactions.Sum(SigOpCounter.Count));

        var violation = BlockRules.CheckBlock(block, parameters) ?? BlockRules.ContextualCheckBlock(block, height, medianTimePast, parameters);
        if (violation is null)
        {
            var (actions, extractViolation) = RegistryActions.Extract(block, parameters);
            var (next, applyViolation) = extractViolation is null ? RegistryPolicy.Apply(registry, actions, parameters) : (registry, extractViolation);
            violation = applyViolation
                ?? BlockConnector.Connect(block, height, chainCoins, parameters, medianTimePastAtHeight ?? (_ => medianTimePast), pool.Signatures, next).Violation;
        }
        if (violation is not null)
            throw new InvalidOperationException($"the block template for height {height} fails the block rules ({violation}); the pool is out of step with the chain view it was built against");
        return template;
    }

    /// <summary>
    /// The selected entries (parents before children) less those that break the registry's rules in this block, and
    /// their descendants: actions are applied in block order, and an entry whose action fails after the ones kept before
    /// it, or that spends a deposit the registry after all kept actions keeps locked, goes, then the check starts over
    /// (leaving one out can change the registry the others meet). Rounds are bounded by the entries; a pool of
    /// ordinary payments costs one pass with no registry work.
    /// </summary>
    private static IReadOnlyList<MempoolEntry> FitRegistry(IReadOnlyList<MempoolEntry> selected, ModelRegistry registry, int height, ChainParams parameters)
    {
        var kept = selected.ToList();
        var withActions = kept.Select(e => RegistryActions.ExtractFromTransaction(e.Transaction, parameters).Action).ToList();
        while (true)
        {
            int? offending = null;
            var actions = new List<RegistryAction>();
            int challenges = 0;
            var next = registry;
            for (int i = 0; i < kept.Count && offending is null; i++)
            {
                if (withActions[i] is not { } action) continue;
                if (action is ChallengeAction && challenges + 1 > parameters.Registry.MaxChallengesPerBlock)
                {
                    offending = i;
                    break;
                }
                var (after, violation) = RegistryPolicy.Apply(registry, [.. actions, action], parameters);
                if (violation is not null)
                {
                    offending = i;
                    break;
                }
                actions.Add(action);
                if (action is ChallengeAction) challenges++;
                next = after;
            }
            for (int i = 0; i < kept.Count && offending is null; i++)
                if (kept[i].Transaction.Inputs.Any(input => next.CheckDepositSpend(input.Prevout, height) is not null))
                    offending = i;
            if (offending is not { } drop) return kept;

            var dropped = new HashSet<Hash256> { kept[drop].Txid };
            for (int i = drop + 1; i < kept.Count; i++)
                if (kept[i].Transaction.Inputs.Any(input => dropped.Contains(input.Prevout.Txid))) dropped.Add(kept[i].Txid);
            for (int i = kept.Count - 1; i >= 0; i--)
            {
                if (!dropped.Contains(kept[i].Txid)) continue;
                kept.RemoveAt(i);
                withActions.RemoveAt(i);
            }
        }
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
