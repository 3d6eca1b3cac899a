using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.FuzzTargets;

/// <summary>A transaction as it arrives in a block, a P2P "tx" or sendrawtransaction: Transaction.Deserialize, then the round trip.</summary>
public static class TransactionTarget
{
    public static FuzzTarget Create() => new("transaction", "Transaction.Deserialize", Probe, typeof(ChainFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        var tx = Transaction.Deserialize(input);
        RoundTrip.Expect(input, tx.Serialize(), "transaction");
        _ = tx.Txid;
    }
}
