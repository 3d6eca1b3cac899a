using NBitcoin;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using NbScriptError = NBitcoin.ScriptError;
using Ours = TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// NBitcoin as an independent implementation of Bitcoin's legacy (pre-segwit) rules, to compare ours against
/// (issue 12, item 3). Everything here translates between the two: NBitcoin's witness-free serialization (TensorCash has
/// no segwit), its legacy signature hash, and its script interpreter with the ScriptVerify flags that correspond to
/// TensorCash's always-on rules.
/// </summary>
internal static class NBitcoinOracle
{
    private static readonly ConsensusFactory Factory = Network.Main.Consensus.ConsensusFactory;

    /// <summary>
    /// Bitcoin's flags for TensorCash's fixed rules (docs/protocol/chain.md, "Rules that are always on"). Left out:
    /// P2SH and WITNESS (TensorCash has neither), CLEANSTACK (NBitcoin refuses it without P2SH and WITNESS, so
    /// <see cref="VerifyScript"/> applies Core's clean-stack test to NBitcoin's final stack itself), MINIMALIF (in
    /// Bitcoin it applies to segwit scripts only; a documented difference) and DISCOURAGE_UPGRADABLE_NOPS (relay policy).
    /// </summary>
    public const ScriptVerify TensorCashFlags =
        ScriptVerify.StrictEnc | ScriptVerify.DerSig | ScriptVerify.LowS | ScriptVerify.NullDummy | ScriptVerify.SigPushOnly |
        ScriptVerify.MinimalData | ScriptVerify.CheckLockTimeVerify | ScriptVerify.CheckSequenceVerify | ScriptVerify.NullFail;

    /// <summary>Parses a legacy serialization as Bitcoin does with witness serialization off; null if NBitcoin refuses it.</summary>
    public static NBitcoin.Transaction? TryParseLegacy(byte[] bytes, out string error)
    {
        try
        {
            var tx = Factory.CreateTransaction();
            var stream = new BitcoinStream(new MemoryStream(bytes), false) { TransactionOptions = TransactionOptions.None, ConsensusFactory = Factory };
            tx.ReadWrite(stream);
            error = stream.Inner.Position == bytes.Length ? "" : $"{bytes.Length - stream.Inner.Position} trailing bytes";
            return error.Length == 0 ? tx : null;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Parses with segwit serialization on: true for a transaction that carries witness data (Core's vectors have some).</summary>
    public static bool HasWitness(byte[] bytes)
    {
        try
        {
            var tx = Factory.CreateTransaction();
            tx.ReadWrite(new BitcoinStream(new MemoryStream(bytes), false) { TransactionOptions = TransactionOptions.All, ConsensusFactory = Factory });
            return tx.HasWitness;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>NBitcoin's witness-free serialization (what Bitcoin hashes into a txid).</summary>
    public static byte[] SerializeLegacy(NBitcoin.Transaction tx)
    {
        var memory = new MemoryStream();
        tx.ReadWrite(new BitcoinStream(memory, true) { TransactionOptions = TransactionOptions.None, ConsensusFactory = Factory, AllowNoInputs = true });
        return memory.ToArray();
    }

    public static NBitcoin.Transaction ToNBitcoin(Ours.Transaction tx) =>
        TryParseLegacy(tx.Serialize(), out var error) ?? throw new InvalidOperationException($"NBitcoin cannot read our serialization: {error}");

    public static Hash256 Txid(NBitcoin.Transaction tx) => new(tx.GetHash().ToBytes(lendian: true));

    /// <summary>NBitcoin's legacy signature hash (HashVersion.Original), as 32 bytes in our order.</summary>
    public static Hash256 LegacySignatureHash(NBitcoin.Transaction tx, int inputIndex, byte[] scriptCode, int hashType) =>
        new(tx.GetSignatureHash(NBitcoin.Script.FromBytesUnsafe(scriptCode), inputIndex, (SigHash)(uint)hashType, null, HashVersion.Original).ToBytes(lendian: true));

    /// <summary>
    /// NBitcoin's verdict for one input under <paramref name="flags"/>, with Core's CLEANSTACK rule applied to its
    /// final stack when <paramref name="cleanStack"/> (it runs after the true-top test, as in Core). Returns NBitcoin's
    /// error, or OK.
    /// </summary>
    public static NbScriptError VerifyScript(NBitcoin.Transaction tx, int inputIndex, byte[] scriptSig, byte[] scriptPubKey, ScriptVerify flags, bool cleanStack)
    {
        var context = new ScriptEvaluationContext { ScriptVerify = flags };
        var checker = new TransactionChecker(tx, inputIndex, new NBitcoin.TxOut(Money.Zero, NBitcoin.Script.FromBytesUnsafe(scriptPubKey)));
        if (!context.VerifyScript(NBitcoin.Script.FromBytesUnsafe(scriptSig), NBitcoin.Script.FromBytesUnsafe(scriptPubKey), checker))
            return context.Error;
        if (cleanStack && context.Stack.Count != 1) return NbScriptError.CleanStack;
        return NbScriptError.OK;
    }

    /// <summary>
    /// Our error in NBitcoin's vocabulary. Both name Bitcoin Core's script errors; ours calls a bad script number
    /// SCRIPTNUM where Core (and NBitcoin) report UNKNOWN_ERROR from the number decoder's exception.
    /// </summary>
    public static NbScriptError ToNBitcoin(TensorCash.Chain.Script.ScriptError error) => error switch
    {
        TensorCash.Chain.Script.ScriptError.OK => NbScriptError.OK,
        TensorCash.Chain.Script.ScriptError.SCRIPTNUM => NbScriptError.UnknownError,
        TensorCash.Chain.Script.ScriptError.EVAL_FALSE => NbScriptError.EvalFalse,
        TensorCash.Chain.Script.ScriptError.OP_RETURN => NbScriptError.OpReturn,
        TensorCash.Chain.Script.ScriptError.SCRIPT_SIZE => NbScriptError.ScriptSize,
        TensorCash.Chain.Script.ScriptError.PUSH_SIZE => NbScriptError.PushSize,
        TensorCash.Chain.Script.ScriptError.OP_COUNT => NbScriptError.OpCount,
        TensorCash.Chain.Script.ScriptError.STACK_SIZE => NbScriptError.StackSize,
        TensorCash.Chain.Script.ScriptError.SIG_COUNT => NbScriptError.SigCount,
        TensorCash.Chain.Script.ScriptError.PUBKEY_COUNT => NbScriptError.PubkeyCount,
        TensorCash.Chain.Script.ScriptError.VERIFY => NbScriptError.Verify,
        TensorCash.Chain.Script.ScriptError.EQUALVERIFY => NbScriptError.EqualVerify,
        TensorCash.Chain.Script.ScriptError.CHECKMULTISIGVERIFY => NbScriptError.CheckMultiSigVerify,
        TensorCash.Chain.Script.ScriptError.CHECKSIGVERIFY => NbScriptError.CheckSigVerify,
        TensorCash.Chain.Script.ScriptError.NUMEQUALVERIFY => NbScriptError.NumEqualVerify,
        TensorCash.Chain.Script.ScriptError.BAD_OPCODE => NbScriptError.BadOpCode,
        TensorCash.Chain.Script.ScriptError.DISABLED_OPCODE => NbScriptError.DisabledOpCode,
        TensorCash.Chain.Script.ScriptError.INVALID_STACK_OPERATION => NbScriptError.InvalidStackOperation,
        TensorCash.Chain.Script.ScriptError.INVALID_ALTSTACK_OPERATION => NbScriptError.InvalidAltStackOperation,
        TensorCash.Chain.Script.ScriptError.UNBALANCED_CONDITIONAL => NbScriptError.UnbalancedConditional,
        TensorCash.Chain.Script.ScriptError.NEGATIVE_LOCKTIME => NbScriptError.NegativeLockTime,
        TensorCash.Chain.Script.ScriptError.UNSATISFIED_LOCKTIME => NbScriptError.UnsatisfiedLockTime,
        TensorCash.Chain.Script.ScriptError.SIG_HASHTYPE => NbScriptError.SigHashType,
        TensorCash.Chain.Script.ScriptError.SIG_DER => NbScriptError.SigDer,
        TensorCash.Chain.Script.ScriptError.MINIMALDATA => NbScriptError.MinimalData,
        TensorCash.Chain.Script.ScriptError.SIG_PUSHONLY => NbScriptError.SigPushOnly,
        TensorCash.Chain.Script.ScriptError.SIG_HIGH_S => NbScriptError.SigHighS,
        TensorCash.Chain.Script.ScriptError.SIG_NULLDUMMY => NbScriptError.SigNullDummy,
        TensorCash.Chain.Script.ScriptError.PUBKEYTYPE => NbScriptError.PubKeyType,
        TensorCash.Chain.Script.ScriptError.CLEANSTACK => NbScriptError.CleanStack,
        TensorCash.Chain.Script.ScriptError.MINIMALIF => NbScriptError.MinimalIf,
        TensorCash.Chain.Script.ScriptError.NULLFAIL => NbScriptError.NullFail,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "no NBitcoin counterpart"),
    };
}
