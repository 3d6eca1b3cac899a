using TensorCash.Chain.Crypto;

namespace TensorCash.Chain.Script;

/// <summary>The output scripts wallets and tests build. Each comment shows the script and the scriptSig that spends it.</summary>
public static class ScriptTemplates
{
    /// <summary>OP_DUP OP_HASH160 &lt;hash160&gt; OP_EQUALVERIFY OP_CHECKSIG; spent by &lt;sig&gt; &lt;pubkey&gt;. What an address stands for.</summary>
    public static byte[] PayToPubKeyHash(ReadOnlySpan<byte> pubKeyHash) =>
        AppendPayToPubKeyHash(new ScriptBuilder(), pubKeyHash).ToArray();

    /// <summary>&lt;pubkey&gt; OP_CHECKSIG; spent by &lt;sig&gt;.</summary>
    public static byte[] PayToPubKey(ReadOnlySpan<byte> publicKey)
    {
        RequirePublicKey(publicKey);
        return new ScriptBuilder().Push(publicKey).Op(Opcode.OP_CHECKSIG).ToArray();
    }

    /// <summary>
    /// Bare m-of-n: OP_m &lt;pubkey_1&gt; .. &lt;pubkey_n&gt; OP_n OP_CHECKMULTISIG; spent by OP_0 &lt;sig&gt;.. in key order
    /// (OP_0 is the NULLDUMMY element).
    /// </summary>
    public static byte[] Multisig(int required, IReadOnlyList<byte[]> publicKeys)
    {
        if (publicKeys.Count is < 1 or > ScriptLimits.MaxPubKeysPerMultisig)
            throw new ArgumentException($"multisig takes 1 to {ScriptLimits.MaxPubKeysPerMultisig} public keys, got {publicKeys.Count}", nameof(publicKeys));
        if (required < 1 || required > publicKeys.Count)
            throw new ArgumentOutOfRangeException(nameof(required), $"{required} of {publicKeys.Count} signatures");
        var builder = new ScriptBuilder().Number(required);
        foreach (var key in publicKeys)
        {
            RequirePublicKey(key);
            builder.Push(key);
        }
        return builder.Number(publicKeys.Count).Op(Opcode.OP_CHECKMULTISIG).ToArray();
    }

    /// <summary>OP_RETURN &lt;data&gt;: carries data and can never be spent, so nodes need not keep it as a coin.</summary>
    public static byte[] NullData(ReadOnlySpan<byte> data) => new ScriptBuilder().Op(Opcode.OP_RETURN).Push(data).ToArray();

    /// <summary>True for scripts no input can ever satisfy: starting with OP_RETURN, or over the script size limit.</summary>
    public static bool IsProvablyUnspendable(ReadOnlySpan<byte> scriptPubKey) =>
        (scriptPubKey.Length > 0 && scriptPubKey[0] == (byte)Opcode.OP_RETURN) || scriptPubKey.Length > ScriptLimits.MaxScriptSize;

    /// <summary>OP_SHA256 &lt;hash&gt; OP_EQUAL; spent by &lt;preimage&gt;. Anyone who learns the preimage can spend it.</summary>
    public static byte[] Sha256Hashlock(ReadOnlySpan<byte> sha256) =>
        new ScriptBuilder().Op(Opcode.OP_SHA256).Push(RequireSize(sha256, 32, "SHA-256 hash")).Op(Opcode.OP_EQUAL).ToArray();

    /// <summary>OP_HASH160 &lt;hash&gt; OP_EQUAL; spent by &lt;preimage&gt;.</summary>
    public static byte[] Hash160Hashlock(ReadOnlySpan<byte> hash160) =>
        new ScriptBuilder().Op(Opcode.OP_HASH160).Push(RequireSize(hash160, Hash160.Size, "HASH160")).Op(Opcode.OP_EQUAL).ToArray();

    /// <summary>
    /// OP_SHA256 &lt;hash&gt; OP_EQUALVERIFY &lt;pubkey&gt; OP_CHECKSIG; spent by &lt;sig&gt; &lt;preimage&gt;. The key stops
    /// others from spending once the preimage is public (the claim path of a hashed time-locked contract).
    /// </summary>
    public static byte[] Sha256HashlockWithKey(ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> publicKey)
    {
        RequirePublicKey(publicKey);
        return new ScriptBuilder().Op(Opcode.OP_SHA256).Push(RequireSize(sha256, 32, "SHA-256 hash")).Op(Opcode.OP_EQUALVERIFY)
            .Push(publicKey).Op(Opcode.OP_CHECKSIG).ToArray();
    }

    /// <summary>
    /// &lt;lockTime&gt; OP_CHECKLOCKTIMEVERIFY OP_DROP then P2PKH; spent by &lt;sig&gt; &lt;pubkey&gt; in a transaction
    /// whose nLockTime is at least <paramref name="lockTime"/> (a height below 500,000,000, else a Unix time) and
    /// whose input is not final.
    /// </summary>
    public static byte[] AbsoluteTimelock(long lockTime, ReadOnlySpan<byte> pubKeyHash)
    {
        if (lockTime is < 0 or > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(lockTime), $"lock time {lockTime} is not a u32");
        var builder = new ScriptBuilder().Number(lockTime).Op(Opcode.OP_CHECKLOCKTIMEVERIFY).Op(Opcode.OP_DROP);
        return AppendPayToPubKeyHash(builder, pubKeyHash).ToArray();
    }

    /// <summary>
    /// &lt;sequence&gt; OP_CHECKSEQUENCEVERIFY OP_DROP then P2PKH; spent by &lt;sig&gt; &lt;pubkey&gt; from an input whose
    /// nSequence (BIP68) encodes at least that relative lock, in a transaction of version 2 or more.
    /// </summary>
    public static byte[] RelativeTimelock(uint sequence, ReadOnlySpan<byte> pubKeyHash)
    {
        var builder = new ScriptBuilder().Number(sequence).Op(Opcode.OP_CHECKSEQUENCEVERIFY).Op(Opcode.OP_DROP);
        return AppendPayToPubKeyHash(builder, pubKeyHash).ToArray();
    }

    private static ScriptBuilder AppendPayToPubKeyHash(ScriptBuilder builder, ReadOnlySpan<byte> pubKeyHash) =>
        builder.Op(Opcode.OP_DUP).Op(Opcode.OP_HASH160).Push(RequireSize(pubKeyHash, Hash160.Size, "public key hash"))
            .Op(Opcode.OP_EQUALVERIFY).Op(Opcode.OP_CHECKSIG);

    private static ReadOnlySpan<byte> RequireSize(ReadOnlySpan<byte> value, int size, string what)
    {
        if (value.Length != size) throw new ArgumentException($"a {what} is {size} bytes, got {value.Length}");
        return value;
    }

    private static void RequirePublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!Secp256k1Keys.IsCompressedPublicKeyEncoding(publicKey))
            throw new ArgumentException($"public keys are {Secp256k1Keys.PublicKeySize}-byte compressed keys, got {publicKey.Length} bytes starting 0x{(publicKey.Length > 0 ? publicKey[0] : 0):x2}");
    }
}
