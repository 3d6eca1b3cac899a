namespace TensorCash.Chain.Script;

/// <summary>Bitcoin's script DoS limits, unchanged: they bound the interpreter's memory and work per input.</summary>
public static class ScriptLimits
{
    /// <summary>A script longer than this fails (and an output script longer than this is unspendable).</summary>
    public const int MaxScriptSize = 10_000;
    /// <summary>Largest element a push may place on the stack.</summary>
    public const int MaxElementSize = 520;
    /// <summary>Non-push opcodes per script; CHECKMULTISIG also counts each of its public keys.</summary>
    public const int MaxOpsPerScript = 201;
    /// <summary>Main plus alt stack elements after any opcode.</summary>
    public const int MaxStackSize = 1000;
    /// <summary>Public keys one CHECKMULTISIG may take.</summary>
    public const int MaxPubKeysPerMultisig = 20;
    /// <summary>Numeric operands are at most 4 bytes (results may be 5); lock times may be 5 bytes (BIP65).</summary>
    public const int MaxNumberSize = 4;
    public const int MaxLockTimeNumberSize = 5;
    /// <summary>Legacy sigop weight of CHECKMULTISIG(VERIFY), whatever its key count (Bitcoin's GetLegacySigOpCount).</summary>
    public const int LegacyMultisigSigOps = MaxPubKeysPerMultisig;
}
