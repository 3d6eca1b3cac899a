namespace TensorCash.Chain.Script;

/// <summary>
/// Why a script failed. The names are Bitcoin Core's script error names as its script tests spell them
/// (SCRIPT_ERR_ prefix dropped), and they appear verbatim in the rule violation reason
/// "mandatory-script-verify-flag-failed (NAME)".
/// </summary>
public enum ScriptError
{
    OK,
    EVAL_FALSE,
    OP_RETURN,
    SCRIPT_SIZE,
    PUSH_SIZE,
    OP_COUNT,
    STACK_SIZE,
    SIG_COUNT,
    PUBKEY_COUNT,
    VERIFY,
    EQUALVERIFY,
    CHECKMULTISIGVERIFY,
    CHECKSIGVERIFY,
    NUMEQUALVERIFY,
    BAD_OPCODE,
    DISABLED_OPCODE,
    INVALID_STACK_OPERATION,
    INVALID_ALTSTACK_OPERATION,
    UNBALANCED_CONDITIONAL,
    NEGATIVE_LOCKTIME,
    UNSATISFIED_LOCKTIME,
    SIG_HASHTYPE,
    SIG_DER,
    MINIMALDATA,
    SIG_PUSHONLY,
    SIG_HIGH_S,
    SIG_NULLDUMMY,
    PUBKEYTYPE,
    CLEANSTACK,
    MINIMALIF,
    NULLFAIL,
    /// <summary>A numeric operand is longer than allowed (4 bytes, 5 for lock times) or not minimally encoded.</summary>
    SCRIPTNUM,
}

public static class ScriptErrorText
{
    /// <summary>One sentence per error for rule-violation messages and logs.</summary>
    public static string Describe(this ScriptError error) => error switch
    {
        ScriptError.OK => "no error",
        ScriptError.EVAL_FALSE => "script finished with a false or empty top stack element",
        ScriptError.OP_RETURN => "OP_RETURN was executed",
        ScriptError.SCRIPT_SIZE => $"script is larger than {ScriptLimits.MaxScriptSize} bytes",
        ScriptError.PUSH_SIZE => $"push is larger than {ScriptLimits.MaxElementSize} bytes",
        ScriptError.OP_COUNT => $"more than {ScriptLimits.MaxOpsPerScript} operations",
        ScriptError.STACK_SIZE => $"more than {ScriptLimits.MaxStackSize} stack elements",
        ScriptError.SIG_COUNT => "signature count negative or greater than the public key count",
        ScriptError.PUBKEY_COUNT => $"public key count negative or above {ScriptLimits.MaxPubKeysPerMultisig}",
        ScriptError.VERIFY => "OP_VERIFY failed",
        ScriptError.EQUALVERIFY => "OP_EQUALVERIFY failed",
        ScriptError.CHECKMULTISIGVERIFY => "OP_CHECKMULTISIGVERIFY failed",
        ScriptError.CHECKSIGVERIFY => "OP_CHECKSIGVERIFY failed",
        ScriptError.NUMEQUALVERIFY => "OP_NUMEQUALVERIFY failed",
        ScriptError.BAD_OPCODE => "opcode missing, truncated or not understood",
        ScriptError.DISABLED_OPCODE => "disabled opcode",
        ScriptError.INVALID_STACK_OPERATION => "operation not valid with the current stack size",
        ScriptError.INVALID_ALTSTACK_OPERATION => "operation not valid with the current alt stack size",
        ScriptError.UNBALANCED_CONDITIONAL => "unbalanced OP_IF/OP_ELSE/OP_ENDIF",
        ScriptError.NEGATIVE_LOCKTIME => "negative lock time",
        ScriptError.UNSATISFIED_LOCKTIME => "lock time requirement not satisfied",
        ScriptError.SIG_HASHTYPE => "signature hash type undefined or not applicable",
        ScriptError.SIG_DER => "signature is not strict DER",
        ScriptError.MINIMALDATA => "push is not in its minimal form",
        ScriptError.SIG_PUSHONLY => "scriptSig contains a non-push operation",
        ScriptError.SIG_HIGH_S => "signature S value is above n/2",
        ScriptError.SIG_NULLDUMMY => "CHECKMULTISIG dummy argument is not empty",
        ScriptError.PUBKEYTYPE => "public key is not a 33-byte compressed key",
        ScriptError.CLEANSTACK => "stack does not hold exactly one element after execution",
        ScriptError.MINIMALIF => "OP_IF/OP_NOTIF argument is not empty or 0x01",
        ScriptError.NULLFAIL => "failed signature check with a non-empty signature",
        ScriptError.SCRIPTNUM => "numeric operand too long or not minimally encoded",
        _ => error.ToString(),
    };
}
