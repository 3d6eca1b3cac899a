using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// What the interpreter asks about the transaction being validated: signatures over its legacy signature hash, and
/// its lock time and sequence for CHECKLOCKTIMEVERIFY / CHECKSEQUENCEVERIFY. Bound to one input.
/// <para>
/// Signature-hash caching. The legacy signature hash serializes the whole transaction, so a script with many signature
/// checks (the DoS script <c>(OP_2DUP OP_CHECKSIGVERIFY)×100 OP_CHECKSIG</c>) would cost sigops × transaction size. The
/// checker remembers, per hash type, the last scriptCode it hashed and the hash: a later check with the same scriptCode
/// and hash type reuses it, so each input costs one hash per distinct (scriptCode, hash type) it actually signs with,
/// and a transaction costs inputs × size. The hash is a pure function of (transaction, input, scriptCode, hash type),
/// so the cache changes only the speed, never a verdict. It lives as long as the checker (one input's evaluation) and
/// holds at most one scriptCode per hash-type byte. Likewise a check of the same (hash, public key, signature) as the
/// previous one reuses its ECDSA answer, so the attack script costs one verification per input with or without a
/// <see cref="SignatureCache"/>.
/// </para>
/// </summary>
public sealed class TransactionSignatureChecker
{
    private readonly Transaction _tx;
    private readonly int _inputIndex;
    private readonly SignatureCache? _cache;
    private readonly bool _cacheSignatureHashes;
    /// <summary>Per hash-type byte: the scriptCode last hashed with it and the result (null: SINGLE without output).</summary>
    private Dictionary<byte, (byte[] ScriptCode, Hash256? Hash)>? _sighashes;

    /// <param name="cache">Skips ECDSA for triples that verified before and records new successes; null checks every signature.</param>
    /// <param name="cacheSignatureHashes">False recomputes the signature hash and reruns ECDSA at every check, as before the
    /// caches (for tests that compare the two; the <paramref name="cache"/> still applies).</param>
    public TransactionSignatureChecker(Transaction tx, int inputIndex, SignatureCache? cache = null, bool cacheSignatureHashes = true)
    {
        if ((uint)inputIndex >= (uint)tx.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(inputIndex), $"input {inputIndex} of a transaction with {tx.Inputs.Count} inputs");
        _tx = tx;
        _inputIndex = inputIndex;
        _cache = cache;
        _cacheSignatureHashes = cacheSignatureHashes;
    }

    /// <summary>The last signature check of this input and its answer.</summary>
    private (Hash256 Hash, byte[] PublicKey, byte[] Signature, bool Valid)? _lastCheck;

    /// <summary>How many legacy signature hashes this checker computed (cache hits excluded).</summary>
    public int SignatureHashesComputed { get; private set; }

    /// <summary>How many ECDSA verifications this checker ran (repeats of the previous check and signature-cache hits excluded).</summary>
    public int SignatureVerifications { get; private set; }

    private Hash256? SignatureHash(ReadOnlySpan<byte> scriptCode, byte hashType)
    {
        if (_cacheSignatureHashes && _sighashes is not null && _sighashes.TryGetValue(hashType, out var cached) && scriptCode.SequenceEqual(cached.ScriptCode))
            return cached.Hash;
        SignatureHashesComputed++;
        var hash = LegacySignatureHash.Compute(_tx, _inputIndex, scriptCode, hashType);
        if (_cacheSignatureHashes) (_sighashes ??= new())[hashType] = (scriptCode.ToArray(), hash);
        return hash;
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> (DER then one hash-type byte, encoding already checked by the caller)
    /// by <paramref name="publicKey"/> over this input's signature hash. Throws SIG_HASHTYPE for SINGLE without a
    /// matching output, which TensorCash rejects outright instead of signing Bitcoin's constant 1.
    /// </summary>
    internal bool CheckSignature(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> scriptCode)
    {
        if (signature.Length == 0) return false;
        byte hashType = signature[^1];
        var hash = SignatureHash(scriptCode, hashType)
            ?? throw new ScriptFailure(ScriptError.SIG_HASHTYPE, $"SIGHASH_SINGLE signature on input {_inputIndex}, but the transaction has only {_tx.Outputs.Count} outputs");
        // The same (hash, key, signature) as the previous check of this input (OP_2DUP OP_CHECKSIGVERIFY repeated):
        // ECDSA is deterministic, so its answer stands, even without a signature cache and even for a failure.
        if (_cacheSignatureHashes && _lastCheck is { } last && last.Hash == hash && publicKey.SequenceEqual(last.PublicKey) && signature.SequenceEqual(last.Signature))
            return last.Valid;
        byte[] hashBytes = hash.ToArray();
        bool valid = (_cache is not null && _cache.Contains(publicKey, hashBytes, signature)) || VerifyAndRemember(publicKey, hashBytes, signature);
        _lastCheck = (hash, publicKey.ToArray(), signature.ToArray(), valid);
        return valid;
    }

    private bool VerifyAndRemember(ReadOnlySpan<byte> publicKey, byte[] hashBytes, ReadOnlySpan<byte> signature)
    {
        SignatureVerifications++;
        bool valid = Secp256k1Keys.Verify(publicKey, hashBytes, signature[..^1]);
        if (valid) _cache?.Add(publicKey, hashBytes, signature);
        return valid;
    }

    /// <summary>BIP65: the transaction's nLockTime is of the same kind (height or time) and at least
    /// <paramref name="lockTime"/>, and this input does not disable nLockTime with a final sequence.</summary>
    internal bool CheckLockTime(long lockTime, out string problem)
    {
        bool sameKind = (_tx.LockTime < LockTime.Threshold) == (lockTime < LockTime.Threshold);
        if (!sameKind)
            problem = $"script requires lock time {lockTime} ({Kind(lockTime)}), transaction nLockTime {_tx.LockTime} is a {Kind(_tx.LockTime)}";
        else if (lockTime > _tx.LockTime)
            problem = $"script requires lock time {lockTime}, transaction nLockTime is {_tx.LockTime}";
        else if (_tx.Inputs[_inputIndex].Sequence == TxIn.SequenceFinal)
            problem = $"input {_inputIndex} has a final nSequence, which disables nLockTime";
        else
            problem = "";
        return problem.Length == 0;
    }

    /// <summary>BIP112: the input's nSequence carries a relative lock (version &gt;= 2, not disabled) of the same kind
    /// (blocks or 512-second units) and at least the value <paramref name="sequence"/> requires.</summary>
    internal bool CheckSequence(long sequence, out string problem)
    {
        uint txSequence = _tx.Inputs[_inputIndex].Sequence;
        const uint mask = LockTime.SequenceTypeFlag | LockTime.SequenceValueMask;
        long required = sequence & mask;
        long actual = txSequence & mask;
        if ((uint)_tx.Version < LockTime.MinSequenceLockVersion)
            problem = $"transaction version {_tx.Version} is below {LockTime.MinSequenceLockVersion}, so nSequence carries no relative lock";
        else if ((txSequence & LockTime.SequenceDisableFlag) != 0)
            problem = $"input {_inputIndex} nSequence 0x{txSequence:x8} has the disable flag set";
        else if ((required < LockTime.SequenceTypeFlag) != (actual < LockTime.SequenceTypeFlag))
            problem = $"script requires a relative lock in {SequenceUnit(required)}, input {_inputIndex} nSequence 0x{txSequence:x8} is in {SequenceUnit(actual)}";
        else if (required > actual)
            problem = $"script requires relative lock 0x{required:x}, input {_inputIndex} nSequence carries 0x{actual:x}";
        else
            problem = "";
        return problem.Length == 0;
    }

    private static string Kind(long lockTime) => lockTime < LockTime.Threshold ? "height" : "time";
    private static string SequenceUnit(long masked) => masked < LockTime.SequenceTypeFlag ? "blocks" : "512-second units";
}
