using TensorCash.Chain.Consensus;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// BIP54's per-transaction limit on legacy signature operations, counted where they can execute: in each input's
/// scriptSig and in the scriptPubKey of the coin it spends (Bitcoin's legacy + P2SH accounting; TensorCash has no P2SH
/// and no segwit, so there is no redeem or witness script to add). Counted accurately (a CHECKMULTISIG after OP_n counts
/// n). The block sigop limit (<see cref="Blocks.BlockRules.CheckBlock"/>) counts the scripts a block creates, not those
/// it spends, so without this rule an attacker funds outputs full of CHECKSIGs and then spends them all in one
/// transaction, whose verification costs sigops × transaction size in signature hashing. Checked at block connection
/// and at mempool admission, after the inputs are found and before any script runs, so refusing costs a scan of the
/// spent scripts only.
/// </summary>
public static class SpentSigOps
{
    /// <summary>BIP54's MAX_TX_LEGACY_SIGOPS.</summary>
    public const int MaxPerTransaction = 2_500;

    /// <summary>The reason for a transaction over <see cref="MaxPerTransaction"/>.</summary>
    public const string Reason = "bad-txns-spent-sigops";

    /// <summary>The sigops of <paramref name="tx"/>'s scriptSigs and of the scripts its inputs spend (<paramref name="spentCoins"/>, one per input).</summary>
    public static int Count(Transaction tx, IReadOnlyList<Coin> spentCoins)
    {
        if (spentCoins.Count != tx.Inputs.Count)
            throw new ArgumentException($"{spentCoins.Count} spent coins for a transaction with {tx.Inputs.Count} inputs", nameof(spentCoins));
        int count = 0;
        for (int i = 0; i < tx.Inputs.Count; i++)
            count += ScriptVerifier.CountAccurateSigOps(tx.Inputs[i].ScriptSig) + ScriptVerifier.CountAccurateSigOps(spentCoins[i].Output.ScriptPubKey);
        return count;
    }

    /// <summary>Null when <paramref name="tx"/> is within the limit.</summary>
    public static RuleViolation? Check(Transaction tx, IReadOnlyList<Coin> spentCoins)
    {
        int count = Count(tx, spentCoins);
        return count > MaxPerTransaction
            ? new(Reason, $"transaction {tx.Txid} may execute {count} signature operations (its scriptSigs and the scripts it spends); the limit is {MaxPerTransaction}")
            : null;
    }
}
