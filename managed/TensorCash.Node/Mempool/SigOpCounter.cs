using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>A transaction's legacy sigops, counted exactly as the block sigop limit counts them (every scriptSig and scriptPubKey).</summary>
internal static class SigOpCounter
{
    public static int Count(Transaction tx)
    {
        int count = 0;
        foreach (var input in tx.Inputs) count += ScriptVerifier.CountLegacySigOps(input.ScriptSig);
        foreach (var output in tx.Outputs) count += ScriptVerifier.CountLegacySigOps(output.ScriptPubKey);
        return count;
    }
}
