using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.FuzzTargets;

/// <summary>
/// Script decoding and evaluation. Input layout: byte 0 is the scriptSig length n (clamped to what is left), then the
/// scriptSig, then the scriptPubKey. Both go through the interpreter (against a fixed one-input spending
/// transaction), the sigop counters, the push-only check and the registry output classifier. None of these throws by
/// contract (the interpreter returns a ScriptResult), so the target has no rejection type: any exception is a finding.
/// </summary>
public static class ScriptTarget
{
    private static readonly Transaction Spender = new(1,
        [new TxIn(new OutPoint(new Hash256(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()), 0), [], 0xFFFF_FFFE)],
        [new TxOut(50_000, [0x51])], 100);

    public static FuzzTarget Create() => new("script", "ScriptReader / ScriptInterpreter.Verify / sigop counting / RegistryScripts", Probe);

    private static void Probe(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int sigLength = Math.Min(input[0], input.Length - 1);
        var scriptSig = input.Slice(1, sigLength);
        var scriptPubKey = input[(1 + sigLength)..];
        ScriptInterpreter.Verify(scriptSig, scriptPubKey, new TransactionSignatureChecker(Spender, 0));
        ScriptVerifier.CountAccurateSigOps(scriptPubKey);
        ScriptVerifier.CountLegacySigOps(scriptPubKey.ToArray());
        ScriptReader.IsPushOnly(scriptSig);
        ScriptTemplates.IsProvablyUnspendable(scriptPubKey);
        RegistryScripts.Classify(scriptPubKey);
        RegistryScripts.TryGetPayload(scriptPubKey, out _);
    }
}
