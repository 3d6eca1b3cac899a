using TensorCash.Chain.Serialization;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// Policy checks on the transaction alone (Core's IsStandardTx and the small-size rule). Skipped for now, because they
/// need the script interpreter's templates: standard output script types ("scriptpubkey"), push-only scriptSigs
/// ("scriptsig-not-pushonly"), the OP_RETURN data limit and count ("datacarrier", "multi-op-return") and bare multisig.
/// Model-registry outputs (OP_RETURN "TCMR"/"TCMC" and one payload push) are standard: OP_RETURN outputs are exempt from
/// the dust rule, and their payloads are capped by consensus (RegistryActions, checked at admission right after these
/// rules). A data-carrier limit added here must admit them up to those caps.
/// </summary>
internal static class StandardnessRules
{
    private const byte OpReturn = 0x6a;
    /// <summary>Scripts longer than this can never be spent (Core's MAX_SCRIPT_SIZE), so they are not dust, just unspendable.</summary>
    private const int MaxSpendableScriptBytes = 10_000;

    private static readonly FeeRate DustRelayFeeRate = new(MempoolPolicy.DustRelayFeePerKilobyte);

    public static RuleViolation? Check(Transaction tx)
    {
        if (tx.Version < MempoolPolicy.MinStandardVersion || tx.Version > MempoolPolicy.MaxStandardVersion)
            return new(MempoolReasons.Version, $"transaction {tx.Txid} has version {tx.Version}; standard versions are {MempoolPolicy.MinStandardVersion} to {MempoolPolicy.MaxStandardVersion}");
        if (tx.SerializedSize > MempoolPolicy.MaxStandardTransactionBytes)
            return new(MempoolReasons.TooLarge, $"transaction {tx.Txid} is {tx.SerializedSize} bytes; the standard limit is {MempoolPolicy.MaxStandardTransactionBytes}");
        for (int i = 0; i < tx.Inputs.Count; i++)
            if (tx.Inputs[i].ScriptSig.Length > MempoolPolicy.MaxStandardScriptSigBytes)
                return new(MempoolReasons.ScriptSigSize, $"transaction {tx.Txid} input {i} scriptSig is {tx.Inputs[i].ScriptSig.Length} bytes; the standard limit is {MempoolPolicy.MaxStandardScriptSigBytes}");
        for (int o = 0; o < tx.Outputs.Count; o++)
        {
            var output = tx.Outputs[o];
            long threshold = DustThreshold(output);
            if (output.Value < threshold)
                return new(MempoolReasons.Dust, $"transaction {tx.Txid} output {o} holds {output.Value}; outputs under {threshold} cost more to spend than they hold");
        }
        if (tx.SerializedSize < MempoolPolicy.MinStandardTransactionBytes)
            return new(MempoolReasons.TooSmall, $"transaction {tx.Txid} is {tx.SerializedSize} bytes; the standard minimum is {MempoolPolicy.MinStandardTransactionBytes} (a 64-byte transaction can pose as a Merkle node)");
        return null;
    }

    /// <summary>Core's GetDustThreshold: 0 for an unspendable output (which never enters the UTXO set), otherwise the dust fee of spending it.</summary>
    private static long DustThreshold(TxOut output)
    {
        var script = output.ScriptPubKey;
        if ((script.Length > 0 && script[0] == OpReturn) || script.Length > MaxSpendableScriptBytes) return 0;
        int outputBytes = sizeof(long) + ChainWriter.CompactSizeLength((ulong)script.Length) + script.Length;
        return DustRelayFeeRate.FeeFor(outputBytes + MempoolPolicy.DustSpendingInputBytes);
    }
}
