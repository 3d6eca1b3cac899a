using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Mempool;

/// <summary>
/// Policy checks on the transaction alone (Core's IsStandardTx and the small-size rule). Output scripts must be one of
/// the standard templates ("scriptpubkey", <see cref="IsStandardOutputScript"/>): P2PKH, P2PK, bare multisig up to
/// 3 keys, and null data (OP_RETURN followed by pushes only). A pool built with <c>requireStandardOutputs: false</c>
/// (Core's -acceptnonstdtxn; the default on regtest, whose tests pay to OP_TRUE) skips that one rule.
/// Push-only scriptSigs are consensus here (SIG_PUSHONLY), so "scriptsig-not-pushonly" never arises. There is no
/// data-carrier size cap or count (Bitcoin Core 30's defaults): the transaction size limit bounds OP_RETURN data.
/// Model-registry outputs (OP_RETURN "TCMR"/"TCMC" and one payload push) are null data, so standard: OP_RETURN outputs
/// are exempt from the dust rule, and their payloads are capped by consensus (RegistryActions, checked at admission
/// right after these rules).
/// </summary>
internal static class StandardnessRules
{
    private const byte OpReturn = 0x6a;
    /// <summary>Scripts longer than this can never be spent (Core's MAX_SCRIPT_SIZE), so they are not dust, just unspendable.</summary>
    private const int MaxSpendableScriptBytes = 10_000;

    private static readonly FeeRate DustRelayFeeRate = new(MempoolPolicy.DustRelayFeePerKilobyte);

    /// <summary>Core's MAX_STANDARD bare multisig: at most this many keys (and so at most 3-of-3).</summary>
    public const int MaxStandardMultisigKeys = 3;

    public static RuleViolation? Check(Transaction tx, bool requireStandardOutputs = true)
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
            if (requireStandardOutputs && !IsStandardOutputScript(output.ScriptPubKey))
                return new(MempoolReasons.ScriptPubKey, $"transaction {tx.Txid} output {o} script 0x{Convert.ToHexStringLower(output.ScriptPubKey.AsSpan(0, Math.Min(output.ScriptPubKey.Length, 64)))}{(output.ScriptPubKey.Length > 64 ? "…" : "")} is not a standard template (P2PKH, P2PK, bare multisig of at most {MaxStandardMultisigKeys} keys, OP_RETURN data)");
            long threshold = DustThreshold(output);
            if (output.Value < threshold)
                return new(MempoolReasons.Dust, $"transaction {tx.Txid} output {o} holds {output.Value}; outputs under {threshold} cost more to spend than they hold");
        }
        if (tx.SerializedSize < MempoolPolicy.MinStandardTransactionBytes)
            return new(MempoolReasons.TooSmall, $"transaction {tx.Txid} is {tx.SerializedSize} bytes; the standard minimum is {MempoolPolicy.MinStandardTransactionBytes} (a 64-byte transaction can pose as a Merkle node)");
        return null;
    }

    /// <summary>
    /// Core's Solver, for the templates TensorCash relays: P2PKH (<c>OP_DUP OP_HASH160 &lt;20&gt; OP_EQUALVERIFY OP_CHECKSIG</c>),
    /// P2PK (<c>&lt;33-byte compressed key&gt; OP_CHECKSIG</c>), bare multisig (<c>OP_m &lt;key&gt;×n OP_n OP_CHECKMULTISIG</c>,
    /// 1 &lt;= m &lt;= n &lt;= 3, compressed keys) and null data (<c>OP_RETURN</c> then only pushes, including the registry's
    /// TCMR/TCMC outputs). Keys must be compressed because the interpreter accepts only those (PUBKEYTYPE): an
    /// uncompressed-key output could never be spent.
    /// </summary>
    public static bool IsStandardOutputScript(ReadOnlySpan<byte> script)
    {
        if (script.Length == 25 && script[0] == (byte)Opcode.OP_DUP && script[1] == (byte)Opcode.OP_HASH160 && script[2] == 20
            && script[23] == (byte)Opcode.OP_EQUALVERIFY && script[24] == (byte)Opcode.OP_CHECKSIG)
            return true;
        if (script.Length == 1 + Secp256k1Keys.PublicKeySize + 1 && script[0] == Secp256k1Keys.PublicKeySize
            && script[^1] == (byte)Opcode.OP_CHECKSIG && Secp256k1Keys.IsCompressedPublicKeyEncoding(script[1..^1]))
            return true;
        if (script.Length > 0 && script[0] == OpReturn)
            return ScriptReader.IsPushOnly(script[1..]);
        return IsStandardMultisig(script);
    }

    private static bool IsStandardMultisig(ReadOnlySpan<byte> script)
    {
        if (script.Length < 3 || script[^1] != (byte)Opcode.OP_CHECKMULTISIG) return false;
        int required = script[0] - (byte)Opcode.OP_1 + 1, keys = script[^2] - (byte)Opcode.OP_1 + 1;
        if (required < 1 || keys < required || keys > MaxStandardMultisigKeys) return false;
        var body = script[1..^2];
        if (body.Length != keys * (1 + Secp256k1Keys.PublicKeySize)) return false;
        for (int k = 0; k < keys; k++)
        {
            var push = body.Slice(k * (1 + Secp256k1Keys.PublicKeySize), 1 + Secp256k1Keys.PublicKeySize);
            if (push[0] != Secp256k1Keys.PublicKeySize || !Secp256k1Keys.IsCompressedPublicKeyEncoding(push[1..])) return false;
        }
        return true;
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
