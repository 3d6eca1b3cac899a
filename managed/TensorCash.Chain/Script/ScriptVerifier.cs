using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// Entry point the ledger rules call to check one input's scripts. Every TensorCash rule is always on (strict DER,
/// low-S, CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY, clean stack): a new chain has no legacy to be lenient for.
/// </summary>
public static class ScriptVerifier
{
    /// <summary>Runs scriptSig then the spent scriptPubKey; null if the input may spend <paramref name="spent"/>.</summary>
    // TEMPORARY (ledger branch, until the interpreter lands): only OP_TRUE spent by an empty scriptSig succeeds.
    public static RuleViolation? VerifyInput(Transaction tx, int inputIndex, TxOut spent) =>
        spent.ScriptPubKey is [0x51] && tx.Inputs[inputIndex].ScriptSig.Length == 0
            ? null
            : new RuleViolation("mandatory-script-verify-flag-failed", $"input {inputIndex} of {tx.Txid}: script evaluated to false");

    /// <summary>Legacy sigop count of a script (CHECKSIG = 1, CHECKMULTISIG = 20), as Bitcoin's GetLegacySigOpCount.</summary>
    // TEMPORARY (ledger branch, until the interpreter lands): a byte scan that skips push data.
    public static int CountLegacySigOps(byte[] script)
    {
        int count = 0;
        for (int pc = 0; pc < script.Length;)
        {
            byte op = script[pc++];
            long skip = op switch
            {
                <= 0x4b => op,
                0x4c => pc + 1 <= script.Length ? script[pc] + 1 : long.MaxValue,
                0x4d => pc + 2 <= script.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(script.AsSpan(pc)) + 2L : long.MaxValue,
                0x4e => pc + 4 <= script.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(script.AsSpan(pc)) + 4L : long.MaxValue,
                _ => 0,
            };
            if (skip > script.Length - pc) break;
            pc += (int)skip;
            if (op is 0xac or 0xad) count += 1;
            else if (op is 0xae or 0xaf) count += 20;
        }
        return count;
    }
}
