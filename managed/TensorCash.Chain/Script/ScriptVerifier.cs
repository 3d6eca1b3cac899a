using TensorCash.Chain.Crypto;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// Entry point the ledger rules call to check one input's scripts. Every TensorCash rule is always on (strict DER,
/// low-S, CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY, clean stack): a new chain has no legacy to be lenient for.
/// </summary>
public static class ScriptVerifier
{
    /// <summary>Reason prefix, as Bitcoin Core reports consensus script failures.</summary>
    public const string ReasonPrefix = "mandatory-script-verify-flag-failed";

    /// <summary>
    /// Runs scriptSig then the spent scriptPubKey; null if the input may spend <paramref name="spent"/>. A
    /// <paramref name="signatures"/> cache changes only how fast the answer comes.
    /// </summary>
    public static RuleViolation? VerifyInput(Transaction tx, int inputIndex, TxOut spent, SignatureCache? signatures = null)
    {
        var checker = new TransactionSignatureChecker(tx, inputIndex, signatures); // throws for an index the transaction does not have
        var input = tx.Inputs[inputIndex];
        var result = ScriptInterpreter.Verify(input.ScriptSig, spent.ScriptPubKey, checker);
        if (result.IsSuccess) return null;
        return new RuleViolation(Reason(result.Error),
            $"input {inputIndex} of transaction {tx.Txid} spending {input.Prevout}: {result.Error.Describe()} ({result.Detail})");
    }

    /// <summary>The stable reason string for a script error, e.g. "mandatory-script-verify-flag-failed (SIG_DER)".</summary>
    public static string Reason(ScriptError error) => $"{ReasonPrefix} ({error})";

    /// <summary>Legacy sigop count of a script (CHECKSIG = 1, CHECKMULTISIG = 20), as Bitcoin's GetLegacySigOpCount.</summary>
    public static int CountLegacySigOps(byte[] script)
    {
        int count = 0;
        var reader = new ScriptReader(script);
        // Counting stops at a truncated push, as in Bitcoin: the bytes after it are not instructions.
        while (!reader.AtEnd && reader.TryRead(out var opcode, out _))
        {
            if (opcode is Opcode.OP_CHECKSIG or Opcode.OP_CHECKSIGVERIFY) count++;
            else if (opcode is Opcode.OP_CHECKMULTISIG or Opcode.OP_CHECKMULTISIGVERIFY) count += ScriptLimits.LegacyMultisigSigOps;
        }
        return count;
    }

    /// <summary>
    /// Sigops a script can execute, counted as BIP16 introduced and BIP54 reuses (Bitcoin's GetSigOpCount with
    /// fAccurate): CHECKSIG(VERIFY) = 1; CHECKMULTISIG(VERIFY) = its key count when a small number OP_1..OP_16 pushes it
    /// just before, else 20. Counting stops at a truncated push.
    /// </summary>
    public static int CountAccurateSigOps(ReadOnlySpan<byte> script)
    {
        int count = 0;
        var previous = (Opcode)0xff; // no instruction yet (0xff is no small number)
        var reader = new ScriptReader(script);
        while (!reader.AtEnd && reader.TryRead(out var opcode, out _))
        {
            if (opcode is Opcode.OP_CHECKSIG or Opcode.OP_CHECKSIGVERIFY) count++;
            else if (opcode is Opcode.OP_CHECKMULTISIG or Opcode.OP_CHECKMULTISIGVERIFY)
                count += previous is >= Opcode.OP_1 and <= Opcode.OP_16 ? (int)(previous - Opcode.OP_1) + 1 : ScriptLimits.LegacyMultisigSigOps;
            previous = opcode;
        }
        return count;
    }
}
