using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>Outcome of connecting a block: either a violation, or the UTXO changes, the undo data and the fees collected.</summary>
public sealed record ConnectOutcome(RuleViolation? Violation, CoinChanges? Changes, BlockUndo? Undo, long Fees);

/// <summary>
/// Applies a block's transactions to a UTXO view (Bitcoin Core's ConnectBlock/DisconnectBlock), as pure functions:
/// the caller (the chainstate) writes the returned changes and undo data atomically.
/// </summary>
public static class BlockConnector
{
    private const byte OpReturn = 0x6a;
    /// <summary>Outputs with longer scripts can never be spent (Core's MAX_SCRIPT_SIZE), so they never enter the set.</summary>
    private const int MaxSpendableScriptBytes = 10_000;

    /// <summary>
    /// Connects <paramref name="block"/> at <paramref name="height"/> without chain times: a BIP68 time-based relative
    /// lock cannot be evaluated, so a transaction that uses one is treated as not final ("bad-txns-nonfinal"); height
    /// locks are enforced. Nodes connect through the overload that takes median-time-past.
    /// </summary>
    public static ConnectOutcome Connect(Block block, int height, ICoinView coins, ChainParams parameters) =>
        Connect(block, height, coins, parameters, medianTimePastAtHeight: null);

    /// <summary>
    /// Checks every input against <paramref name="coins"/> (existence, maturity, the sigops of the spent scripts
    /// (<see cref="SpentSigOps"/>), relative lock times, scripts, sums, fees, subsidy) and returns the changes; a violation leaves nothing to apply. Expects <see cref="BlockRules.CheckBlock"/>
    /// and <see cref="BlockRules.ContextualCheckBlock"/> to have passed, but stays safe (a violation, never an exception
    /// or an overflow) on any block. <paramref name="medianTimePastAtHeight"/>(h) is the median-time-past of the block at
    /// height h on this block's chain (h &lt; <paramref name="height"/>); null means "unknown", see the other overload.
    /// Outputs created and spent within the block are in neither change list; the undo data still lists every spent
    /// coin, one per non-coinbase input in block order.
    /// </summary>
    /// <param name="signatures">Signatures verified before (mempool, block template) skip ECDSA; the verdict is the same.</param>
    /// <param name="registry">
    /// When given, no input may spend a registration deposit the registry keeps locked ("bad-txns-deposit-locked",
    /// <see cref="ModelRegistry.CheckDepositSpend"/> at <paramref name="height"/>). Pass the registry AFTER this block's
    /// registry actions (<see cref="RegistryRules.Apply"/> of this block), so a deposit made, or forfeited by a
    /// challenge, in this very block is covered too.
    /// </param>
    public static ConnectOutcome Connect(Block block, int height, ICoinView coins, ChainParams parameters, Func<int, long>? medianTimePastAtHeight,
        SignatureCache? signatures = null, ModelRegistry? registry = null)
    {
        var transactions = block.Transactions;
        if (transactions.Count == 0 || !transactions[0].IsCoinbase)
            return Failed("bad-cb-missing", $"block {block.Header.Hash} does not start with a coinbase");
        if (CheckNoOverwrites(block, coins) is { } overwrite) return new(overwrite, null, null, 0);

        var view = new BlockCoinOverlay(coins);
        var spentCoins = new List<Coin>();
        var scriptChecks = new List<InputScriptCheck>();
        long fees = 0;
        for (int t = 0; t < transactions.Count; t++)
        {
            var tx = transactions[t];
            if (t > 0)
            {
                if (tx.IsCoinbase)
                    return Failed("bad-cb-multiple", $"block {block.Header.Hash}: transaction {t} ({tx.Txid}) is a second coinbase");
                var inputCoins = new Coin[tx.Inputs.Count];
                if (CheckInputs(tx, height, view, parameters, inputCoins, out long fee) is { } inputViolation)
                    return new(inputViolation, null, null, 0);
                if (SpentSigOps.Check(tx, inputCoins) is { } sigOpsViolation)
                    return new(sigOpsViolation with { Message = $"block {block.Header.Hash} transaction {t}: {sigOpsViolation.Message}" }, null, null, 0);
                if (registry is not null && CheckDeposits(tx, height, registry) is { } depositViolation)
                    return new(depositViolation, null, null, 0);
                if (!Money.TryAdd(fees, fee, parameters.MaxMoney, out fees))
                    return Failed("bad-txns-accumulated-fee-outofrange", $"block {block.Header.Hash}: fees up to transaction {t} ({tx.Txid}) exceed {parameters.MaxMoney}");
                if (!SequenceLocks.AreSatisfied(tx, inputCoins.Select(c => c.Height).ToArray(), height, medianTimePastAtHeight))
                    return Failed("bad-txns-nonfinal", $"transaction {tx.Txid} at height {height} is not BIP68-final (a relative lock time of an input has not passed)");
                for (int i = 0; i < tx.Inputs.Count; i++) scriptChecks.Add(new InputScriptCheck(tx, i, inputCoins[i].Output));
                spentCoins.AddRange(inputCoins);
            }
            for (int o = 0; o < tx.Outputs.Count; o++)
                if (!IsUnspendable(tx.Outputs[o].ScriptPubKey))
                    view.Create(new OutPoint(tx.Txid, (uint)o), new Coin(tx.Outputs[o], height, tx.IsCoinbase));
        }

        // Scripts run last and in parallel, as in Bitcoin Core: a block failing both a script and a later transaction's
        // input rule reports the input rule; among script failures the earliest input in block order is reported.
        if (InputScriptChecks.FirstFailure(scriptChecks, signatures) is { } scriptViolation) return new(scriptViolation, null, null, 0);

        long subsidy = Subsidy.GetBlockSubsidy(height, parameters);
        Int128 coinbaseOut = SumOutputs(transactions[0]);
        Int128 limit = (Int128)subsidy + fees;
        if (coinbaseOut > limit)
            return Failed("bad-cb-amount", $"coinbase {transactions[0].Txid} pays {coinbaseOut}; the limit at height {height} is {limit} (subsidy {subsidy} + fees {fees})");

        return new(null, view.ToChanges(), new BlockUndo(spentCoins), fees);
    }

    /// <summary>
    /// The changes that undo <paramref name="block"/> given the undo data its connection produced: remove its outputs
    /// that are still unspent, restore the coins it spent from earlier blocks. Exactly inverts <see cref="Connect(Block,int,ICoinView,ChainParams,Func{int,long})"/>'s
    /// changes. Throws <see cref="ArgumentException"/> when the undo data does not have one coin per non-coinbase input
    /// (it belongs to another block or is corrupt).
    /// </summary>
    public static CoinChanges Disconnect(Block block, BlockUndo undo)
    {
        var transactions = block.Transactions;
        int inputCount = transactions.Skip(1).Sum(t => t.Inputs.Count);
        if (undo.SpentCoins.Count != inputCount)
            throw new ArgumentException($"undo data for block {block.Header.Hash} has {undo.SpentCoins.Count} coins; the block has {inputCount} non-coinbase inputs", nameof(undo));

        var created = new List<OutPoint>();
        var createdHere = new HashSet<OutPoint>();
        var spentHere = new HashSet<OutPoint>();
        var restored = new List<KeyValuePair<OutPoint, Coin>>();
        int next = 0;
        for (int t = 0; t < transactions.Count; t++)
        {
            var tx = transactions[t];
            if (t > 0)
                foreach (var input in tx.Inputs)
                {
                    var coin = undo.SpentCoins[next++];
                    // A coin made earlier in this block was never in the set before it, so there is nothing to restore.
                    if (createdHere.Contains(input.Prevout)) spentHere.Add(input.Prevout);
                    else restored.Add(new(input.Prevout, coin));
                }
            for (int o = 0; o < tx.Outputs.Count; o++)
            {
                if (IsUnspendable(tx.Outputs[o].ScriptPubKey)) continue;
                var outPoint = new OutPoint(tx.Txid, (uint)o);
                created.Add(outPoint);
                createdHere.Add(outPoint);
            }
        }
        return new CoinChanges(restored, created.Where(o => !spentHere.Contains(o)).ToArray());
    }

    /// <summary>
    /// BIP30, before anything else as in Core: no output the block creates may already exist in the set, and no txid may
    /// repeat within the block, so a transaction can never overwrite (and so destroy) unspent coins.
    /// </summary>
    private static RuleViolation? CheckNoOverwrites(Block block, ICoinView coins)
    {
        var txids = new HashSet<Hash256>(block.Transactions.Count);
        foreach (var tx in block.Transactions)
        {
            if (!txids.Add(tx.Txid))
                return new("bad-txns-BIP30", $"block {block.Header.Hash} contains transaction {tx.Txid} twice");
            for (int o = 0; o < tx.Outputs.Count; o++)
                if (coins.GetCoin(new OutPoint(tx.Txid, (uint)o)) is not null)
                    return new("bad-txns-BIP30", $"block {block.Header.Hash}: transaction {tx.Txid} would overwrite its unspent output {o}");
        }
        return null;
    }

    /// <summary>
    /// Core's CheckTxInputs: every input exists unspent (it is spent in <paramref name="view"/> as it is found, so an input
    /// repeated within the transaction is missing the second time), coinbase outputs are mature, input values and their
    /// sum are money, and the inputs cover the outputs with a fee that is money.
    /// </summary>
    public static RuleViolation? CheckInputs(Transaction tx, int height, BlockCoinOverlay view, ChainParams parameters, Coin[] inputCoins, out long fee)
    {
        fee = 0;
        for (int i = 0; i < tx.Inputs.Count; i++)
        {
            var prevout = tx.Inputs[i].Prevout;
            if (view.Spend(prevout) is not { } coin)
                return new("bad-txns-inputs-missingorspent", $"transaction {tx.Txid} input {i} spends {prevout}, which does not exist or is already spent");
            inputCoins[i] = coin;
        }

        long valueIn = 0;
        for (int i = 0; i < tx.Inputs.Count; i++)
        {
            var coin = inputCoins[i];
            if (coin.IsCoinbase && (long)height - coin.Height < parameters.CoinbaseMaturity)
                return new("bad-txns-premature-spend-of-coinbase", $"transaction {tx.Txid} input {i} spends coinbase output {tx.Inputs[i].Prevout} from height {coin.Height} at height {height}; it needs {parameters.CoinbaseMaturity} confirmations");
            if (!Money.InRange(coin.Output.Value, parameters.MaxMoney) || !Money.TryAdd(valueIn, coin.Output.Value, parameters.MaxMoney, out valueIn))
                return new("bad-txns-inputvalues-outofrange", $"transaction {tx.Txid} input {i} value {coin.Output.Value} or the input total is outside [0, {parameters.MaxMoney}]");
        }

        // Output values are checked by CheckTransaction; summing wide keeps this safe even on a block that skipped it.
        Int128 valueOut = SumOutputs(tx);
        if (valueIn < valueOut)
            return new("bad-txns-in-belowout", $"transaction {tx.Txid} spends {valueIn} but pays out {valueOut}");
        Int128 difference = valueIn - valueOut;
        if (difference > parameters.MaxMoney)
            return new("bad-txns-fee-outofrange", $"transaction {tx.Txid} fee {difference} (in {valueIn}, out {valueOut}) is outside [0, {parameters.MaxMoney}]");
        fee = (long)difference;
        return null;
    }

    /// <summary>The first input of <paramref name="tx"/> that spends a locked registration deposit.</summary>
    private static RuleViolation? CheckDeposits(Transaction tx, int height, ModelRegistry registry)
    {
        for (int i = 0; i < tx.Inputs.Count; i++)
            if (registry.CheckDepositSpend(tx.Inputs[i].Prevout, height) is { } locked)
                return locked with { Message = $"transaction {tx.Txid} input {i}: {locked.Message}" };
        return null;
    }

    private static Int128 SumOutputs(Transaction tx)
    {
        Int128 sum = 0;
        foreach (var output in tx.Outputs) sum += output.Value;
        return sum;
    }

    /// <summary>OP_RETURN outputs and over-long scripts can never be spent, so they are never added to the UTXO set.</summary>
    private static bool IsUnspendable(byte[] scriptPubKey) =>
        (scriptPubKey.Length > 0 && scriptPubKey[0] == OpReturn) || scriptPubKey.Length > MaxSpendableScriptBytes;

    private static ConnectOutcome Failed(string reason, string message) => new(new RuleViolation(reason, message), null, null, 0);
}
