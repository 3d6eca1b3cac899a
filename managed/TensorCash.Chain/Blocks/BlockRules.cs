using TensorCash.Chain.Consensus;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Blocks;

/// <summary>
/// Block checks that need no UTXO set (Bitcoin Core's CheckBlock and ContextualCheckBlock). The header rules (targets,
/// proof of work, timestamps) and the proof-of-inference checks are separate; these cover the transactions.
/// </summary>
public static class BlockRules
{
    /// <summary>
    /// Context-free, in Core's order: Merkle root and mutation, size, coinbase placement, per-transaction checks, sigops.
    /// The Merkle checks come first so a block whose transactions were tampered with in transit is told apart from one
    /// that is invalid as committed.
    /// </summary>
    public static RuleViolation? CheckBlock(Block block, ChainParams parameters)
    {
        var transactions = block.Transactions;
        var root = MerkleTree.BlockRoot(transactions, out bool mutated);
        if (root != block.Header.MerkleRoot)
            return new("bad-txnmrklroot", $"block {block.Header.Hash} commits to Merkle root {block.Header.MerkleRoot} but its transactions hash to {root}");
        // CVE-2012-2459: the same root with a duplicated transaction list; the block's hash may still be valid with the
        // honest list, so this is reported as mutated data, not as an invalid block.
        if (mutated)
            return new("bad-txns-duplicate", $"block {block.Header.Hash} has a mutated Merkle tree (duplicate transactions)");

        if (transactions.Count == 0 || block.TransactionBytes > parameters.MaxBlockBytes)
            return new("bad-blk-length", $"block {block.Header.Hash} has {transactions.Count} transactions in {block.TransactionBytes} bytes; it needs at least one and at most {parameters.MaxBlockBytes} bytes");

        if (!transactions[0].IsCoinbase)
            return new("bad-cb-missing", $"block {block.Header.Hash}: the first transaction {transactions[0].Txid} is not a coinbase");
        for (int i = 1; i < transactions.Count; i++)
            if (transactions[i].IsCoinbase)
                return new("bad-cb-multiple", $"block {block.Header.Hash}: transaction {i} ({transactions[i].Txid}) is a second coinbase");

        for (int i = 0; i < transactions.Count; i++)
            if (TransactionRules.CheckTransaction(transactions[i], parameters) is { } violation)
                return violation with { Message = $"block {block.Header.Hash} transaction {i}: {violation.Message}" };

        long sigOps = 0;
        foreach (var tx in transactions)
        {
            foreach (var input in tx.Inputs) sigOps += ScriptVerifier.CountLegacySigOps(input.ScriptSig);
            foreach (var output in tx.Outputs) sigOps += ScriptVerifier.CountLegacySigOps(output.ScriptPubKey);
        }
        if (sigOps > parameters.MaxBlockSigOps)
            return new("bad-blk-sigops", $"block {block.Header.Hash} has {sigOps} legacy signature operations; the limit is {parameters.MaxBlockSigOps}");
        return null;
    }

    /// <summary>
    /// Needs the height and the parent's median-time-past: BIP34 coinbase height, then finality of every transaction
    /// (lock times compare with the median-time-past, BIP113). Not applied to the genesis block, which is fixed by the
    /// chain parameters rather than validated. Assumes <see cref="CheckBlock"/> passed (there is a coinbase).
    /// </summary>
    public static RuleViolation? ContextualCheckBlock(Block block, int height, long medianTimePast, ChainParams parameters)
    {
        var transactions = block.Transactions;
        if (transactions.Count == 0 || !transactions[0].IsCoinbase)
            return new("bad-cb-missing", $"block {block.Header.Hash} has no coinbase to carry its height");
        var scriptSig = transactions[0].Inputs[0].ScriptSig;
        if (!CoinbaseHeight.Matches(scriptSig, height))
            return new("bad-cb-height", $"block {block.Header.Hash} at height {height}: coinbase scriptSig {Convert.ToHexString(scriptSig).ToLowerInvariant()} does not start with {Convert.ToHexString(CoinbaseHeight.Prefix(height)).ToLowerInvariant()}");

        for (int i = 0; i < transactions.Count; i++)
            if (!TransactionFinality.IsFinal(transactions[i], height, medianTimePast))
                return new("bad-txns-nonfinal", $"block {block.Header.Hash} at height {height}: transaction {i} ({transactions[i].Txid}) has lock time {transactions[i].LockTime}, not final at median-time-past {medianTimePast}");
        return null;
    }
}
