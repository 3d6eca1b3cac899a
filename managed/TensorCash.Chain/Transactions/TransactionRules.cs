using TensorCash.Chain.Consensus;

namespace TensorCash.Chain.Transactions;

/// <summary>
/// Context-free transaction checks (Bitcoin Core's CheckTransaction): everything that can be decided from the
/// transaction alone, before any UTXO lookup.
/// </summary>
public static class TransactionRules
{
    /// <summary>A coinbase scriptSig is 2 to 100 bytes: long enough for the BIP34 height, short enough to bound junk.</summary>
    public const int MinCoinbaseScriptBytes = 2;
    public const int MaxCoinbaseScriptBytes = 100;

    /// <summary>Null when <paramref name="tx"/> passes; otherwise the first rule it breaks.</summary>
    public static RuleViolation? CheckTransaction(Transaction tx, ChainParams parameters)
    {
        if (tx.Inputs.Count == 0)
            return new("bad-txns-vin-empty", $"transaction {tx.Txid} has no inputs");
        if (tx.Outputs.Count == 0)
            return new("bad-txns-vout-empty", $"transaction {tx.Txid} has no outputs");
        // A transaction that cannot fit in a block can never be mined; rejecting it early bounds the work spent on it.
        if (tx.SerializedSize > parameters.MaxBlockBytes)
            return new("bad-txns-oversize", $"transaction {tx.Txid} is {tx.SerializedSize} bytes; a block holds at most {parameters.MaxBlockBytes}");

        long total = 0;
        for (int i = 0; i < tx.Outputs.Count; i++)
        {
            long value = tx.Outputs[i].Value;
            if (value < 0)
                return new("bad-txns-vout-negative", $"transaction {tx.Txid} output {i} has negative value {value}");
            if (value > parameters.MaxMoney)
                return new("bad-txns-vout-toolarge", $"transaction {tx.Txid} output {i} value {value} exceeds the money supply limit {parameters.MaxMoney}");
            if (!Money.TryAdd(total, value, parameters.MaxMoney, out total))
                return new("bad-txns-txouttotal-toolarge", $"transaction {tx.Txid} outputs 0..{i} sum to more than {parameters.MaxMoney}");
        }

        // CVE-2018-17144: a transaction spending one output twice would create money if the UTXO layer trusted it.
        var seen = new HashSet<OutPoint>(tx.Inputs.Count);
        for (int i = 0; i < tx.Inputs.Count; i++)
            if (!seen.Add(tx.Inputs[i].Prevout))
                return new("bad-txns-inputs-duplicate", $"transaction {tx.Txid} input {i} spends {tx.Inputs[i].Prevout} a second time");

        if (tx.IsCoinbase)
        {
            int length = tx.Inputs[0].ScriptSig.Length;
            if (length < MinCoinbaseScriptBytes || length > MaxCoinbaseScriptBytes)
                return new("bad-cb-length", $"coinbase {tx.Txid} scriptSig is {length} bytes; it must be {MinCoinbaseScriptBytes} to {MaxCoinbaseScriptBytes}");
        }
        else
        {
            for (int i = 0; i < tx.Inputs.Count; i++)
                if (tx.Inputs[i].Prevout.IsNull)
                    return new("bad-txns-prevout-null", $"transaction {tx.Txid} input {i} has the coinbase's null prevout but the transaction is not a coinbase");
        }
        return null;
    }
}
