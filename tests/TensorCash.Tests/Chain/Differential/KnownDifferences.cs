using System.Text.RegularExpressions;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// The differences between TensorCash and Bitcoin's legacy rules that differential testing against NBitcoin found or
/// confirmed, each a documented TensorCash rule (docs/protocol/chain.md, "Differences from Bitcoin, found by
/// differential testing"). The differential tests exclude exactly these cases from the comparison, by name, and assert
/// that each excluded case behaves as documented; anything else that differs fails the test.
/// </summary>
internal static class KnownDifferences
{
    public enum SignatureHash
    {
        None,
        /// <summary>SIGHASH_SINGLE on an input with no output at its index: Bitcoin signs the constant 1, we have no hash.</summary>
        SingleWithoutOutput,
        /// <summary>The scriptCode ends inside a push: Bitcoin hashes it cut short after the push's opcode and length, we hash it whole.</summary>
        TruncatedPushInScriptCode,
    }

    public enum Script
    {
        None,
        /// <summary>An executed OP_IF/OP_NOTIF argument other than empty or 0x01: MINIMALIF applies to legacy scripts here, to segwit only in Bitcoin.</summary>
        MinimalIfInLegacyScript,
        /// <summary>A checked 65-byte uncompressed public key (0x04...): Bitcoin's STRICTENC accepts it, TensorCash has compressed keys only.</summary>
        UncompressedPublicKey,
        /// <summary>A defined SINGLE signature on an input with no output at its index: SIG_HASHTYPE here, a signature over 1 in Bitcoin.</summary>
        SingleWithoutOutput,
        /// <summary>A signature also pushed by the scriptPubKey: Bitcoin deletes it from the scriptCode (FindAndDelete), we do not.</summary>
        SignatureInScriptCode,
    }

    /// <summary>
    /// Where NBitcoin 10.0.21 itself departs from Bitcoin Core, so it cannot serve as the oracle; TensorCash follows Core
    /// in each (checked by Core's own vectors, <c>CoreScriptVectorTests</c>). Not TensorCash rules.
    /// </summary>
    public enum OracleDeviation
    {
        None,
        /// <summary>NBitcoin runs OP_NOP1 (0xb0) as OP_CHECKLOCKTIMEVERIFY when CLTV is on; in Core it is a plain NOP.</summary>
        Nop1ExecutedAsCheckLockTimeVerify,
        /// <summary>A scriptSig ending inside a push: Core's IsPushOnly is false (SIG_PUSHONLY), NBitcoin's is true (then BAD_OPCODE).</summary>
        TruncatedScriptSigIsNotPushOnly,
        /// <summary>OP_RESERVED (0x50) in a scriptSig: push-only for Core (opcode &lt;= OP_16; it then fails as BAD_OPCODE), not for NBitcoin (SIG_PUSHONLY).</summary>
        ReservedIsPushOnly,
        /// <summary>A push running past the end inside an unexecuted branch: Core fails reading it (BAD_OPCODE), NBitcoin only when executed.</summary>
        TruncatedPushInUnexecutedBranch,
    }

    /// <summary>Scripts NBitcoin would misread (<see cref="OracleDeviation.Nop1ExecutedAsCheckLockTimeVerify"/>): any OP_NOP1 instruction.</summary>
    public static OracleDeviation BeforeAskingNBitcoin(ReadOnlySpan<byte> scriptSig, ReadOnlySpan<byte> scriptPubKey) =>
        HasInstruction(scriptSig, Opcode.OP_NOP1) || HasInstruction(scriptPubKey, Opcode.OP_NOP1) ? OracleDeviation.Nop1ExecutedAsCheckLockTimeVerify : OracleDeviation.None;

    /// <summary>An error-class disagreement that is NBitcoin's departure from Core rather than ours.</summary>
    public static OracleDeviation AfterAskingNBitcoin(ScriptResult ours, NBitcoin.ScriptError theirs, ReadOnlySpan<byte> scriptSig)
    {
        if (ours.Error == ScriptError.SIG_PUSHONLY && theirs == NBitcoin.ScriptError.BadOpCode && !ParsesToTheEnd(scriptSig))
            return OracleDeviation.TruncatedScriptSigIsNotPushOnly;
        if (ours.Error == ScriptError.BAD_OPCODE && theirs == NBitcoin.ScriptError.SigPushOnly && HasInstruction(scriptSig, Opcode.OP_RESERVED)
            && ours.Detail.EndsWith("of scriptSig", StringComparison.Ordinal))
            return OracleDeviation.ReservedIsPushOnly;
        // NBitcoin agrees (BAD_OPCODE) wherever the push is executed, so a disagreement here means an unexecuted one.
        if (ours.Error == ScriptError.BAD_OPCODE && theirs != NBitcoin.ScriptError.BadOpCode && ours.Detail.Contains("ends inside the push", StringComparison.Ordinal))
            return OracleDeviation.TruncatedPushInUnexecutedBranch;
        return OracleDeviation.None;
    }

    private static List<byte[]> Pushes(ReadOnlySpan<byte> script)
    {
        var pushes = new List<byte[]>();
        var reader = new ScriptReader(script);
        while (!reader.AtEnd && reader.TryRead(out var opcode, out var data))
            if (opcode <= Opcode.OP_PUSHDATA4) pushes.Add(data.ToArray());
        return pushes;
    }

    private static bool HasInstruction(ReadOnlySpan<byte> script, Opcode wanted)
    {
        var reader = new ScriptReader(script);
        while (!reader.AtEnd && reader.TryRead(out var opcode, out _))
            if (opcode == wanted) return true;
        return false;
    }

    public static bool ParsesToTheEnd(ReadOnlySpan<byte> script)
    {
        var reader = new ScriptReader(script);
        while (!reader.AtEnd)
            if (!reader.TryRead(out _, out _)) return false;
        return true;
    }

    /// <summary>Bitcoin's legacy signature hash for SINGLE without an output: the 256-bit number 1.</summary>
    public static readonly Hash256 BitcoinSingleBugHash = new([1, .. new byte[31]]);

    public static SignatureHash OfSignatureHash(Transaction tx, int inputIndex, ReadOnlySpan<byte> scriptCode, int hashType)
    {
        if ((hashType & SigHashType.BaseTypeMask) == SigHashType.Single && inputIndex >= tx.Outputs.Count) return SignatureHash.SingleWithoutOutput;
        return BitcoinStopsReadingAt(scriptCode) < scriptCode.Length ? SignatureHash.TruncatedPushInScriptCode : SignatureHash.None;
    }

    /// <summary>
    /// Where Bitcoin's instruction reader (GetScriptOp) stops in <paramref name="script"/>: the end, or, for a push that
    /// runs past the end, just after its opcode and whatever length bytes were complete. Written from Core's reader,
    /// independently of our <see cref="ScriptReader"/>.
    /// </summary>
    private static int BitcoinStopsReadingAt(ReadOnlySpan<byte> script)
    {
        int pc = 0;
        while (pc < script.Length)
        {
            int opcode = script[pc++];
            if (opcode > (int)Opcode.OP_PUSHDATA4) continue;
            long size;
            int lengthBytes = opcode switch { (int)Opcode.OP_PUSHDATA1 => 1, (int)Opcode.OP_PUSHDATA2 => 2, (int)Opcode.OP_PUSHDATA4 => 4, _ => 0 };
            if (script.Length - pc < lengthBytes) return pc;
            size = lengthBytes == 0 ? opcode : 0;
            for (int i = lengthBytes - 1; i >= 0; i--) size = (size << 8) | script[pc + i];
            pc += lengthBytes;
            if (script.Length - pc < size) return pc;
            pc += (int)size;
        }
        return script.Length;
    }

    /// <summary>
    /// Which documented difference explains our failing with <paramref name="ours"/> where Bitcoin's rules give another
    /// answer, or None. Each is recognised from the rule our interpreter applied (its error) together with an independent
    /// check that the rule's condition really holds (the IF argument, the key, the transaction's outputs), so a bug that
    /// merely reports the same error elsewhere is not excused.
    /// </summary>
    public static Script OfScript(ScriptResult ours, Transaction tx, int inputIndex, ReadOnlySpan<byte> scriptSig, ReadOnlySpan<byte> scriptPubKey)
    {
        switch (ours.Error)
        {
            case ScriptError.NULLFAIL:
            {
                var signatures = Pushes(scriptSig).Where(p => p.Length >= 9).ToList();
                return Pushes(scriptPubKey).Any(p => signatures.Any(s => s.AsSpan().SequenceEqual(p))) ? Script.SignatureInScriptCode : Script.None;
            }
            case ScriptError.MINIMALIF:
            {
                var match = Regex.Match(ours.Detail, "condition 0x([0-9A-F]*)$");
                return match.Success && match.Groups[1].Value is not ("" or "01") ? Script.MinimalIfInLegacyScript : Script.None;
            }
            case ScriptError.PUBKEYTYPE:
            {
                var match = Regex.Match(ours.Detail, "key 0x([0-9A-F]*)$");
                if (!match.Success) return Script.None;
                byte[] key = Convert.FromHexString(match.Groups[1].Value);
                return key.Length == 65 && key[0] == 0x04 ? Script.UncompressedPublicKey : Script.None;
            }
            case ScriptError.SIG_HASHTYPE:
                return inputIndex >= tx.Outputs.Count && ours.Detail.Contains("SIGHASH_SINGLE", StringComparison.Ordinal) ? Script.SingleWithoutOutput : Script.None;
            default:
                return Script.None;
        }
    }
}
