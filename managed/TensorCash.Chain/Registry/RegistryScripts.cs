using TensorCash.Chain.Script;

namespace TensorCash.Chain.Registry;

/// <summary>Which registry payload an output carries, if any.</summary>
public enum RegistryOutputKind : byte { None, Registration, Challenge }

/// <summary>
/// The registry's output scripts: <c>OP_RETURN &lt;"TCMR"|"TCMC"&gt; &lt;payload&gt;</c>, exactly two minimal pushes.
/// An output is a registry output when its script starts with OP_RETURN and the direct 4-byte push of a tag
/// (bytes <c>6a 04 54 43 4d 52</c> or <c>… 4d 43</c>); every other OP_RETURN (another tag, a non-minimal push of a
/// tag, plain data) is ignored by the registry, as any OP_RETURN is by the ledger. A registry output whose rest is
/// not one minimal push of the payload is malformed ("bad-reg-encoding" / "bad-challenge-encoding").
/// </summary>
public static class RegistryScripts
{
    public const int TagBytes = 4;
    private static ReadOnlySpan<byte> RegistrationTag => "TCMR"u8;
    private static ReadOnlySpan<byte> ChallengeTag => "TCMC"u8;
    /// <summary>OP_RETURN, the push opcode of a 4-byte tag, the tag.</summary>
    private const int PrefixBytes = 2 + TagBytes;

    public static byte[] ForRegistration(ModelRegistration registration) => Build(RegistrationTag, registration.Encode());

    public static byte[] ForChallenge(ModelFraudProof proof) => Build(ChallengeTag, proof.Encode());

    /// <summary>The output script for <paramref name="payload"/> under <paramref name="kind"/>'s tag (also for building malformed payloads in tests).</summary>
    public static byte[] Build(RegistryOutputKind kind, ReadOnlySpan<byte> payload) => kind switch
    {
        RegistryOutputKind.Registration => Build(RegistrationTag, payload),
        RegistryOutputKind.Challenge => Build(ChallengeTag, payload),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no tag"),
    };

    private static byte[] Build(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> payload) =>
        new ScriptBuilder().Op(Opcode.OP_RETURN).Push(tag).Push(payload).ToArray();

    /// <summary>Which tag <paramref name="scriptPubKey"/> starts with; looks at its first 6 bytes only.</summary>
    public static RegistryOutputKind Classify(ReadOnlySpan<byte> scriptPubKey)
    {
        if (scriptPubKey.Length < PrefixBytes || scriptPubKey[0] != (byte)Opcode.OP_RETURN || scriptPubKey[1] != TagBytes)
            return RegistryOutputKind.None;
        var tag = scriptPubKey.Slice(2, TagBytes);
        if (tag.SequenceEqual(RegistrationTag)) return RegistryOutputKind.Registration;
        if (tag.SequenceEqual(ChallengeTag)) return RegistryOutputKind.Challenge;
        return RegistryOutputKind.None;
    }

    /// <summary>
    /// The payload of a registry output (<see cref="Classify"/> is not None): the single minimal push that follows
    /// the tag and ends the script. False when the rest is empty, not a push, not minimal, truncated or followed by
    /// anything.
    /// </summary>
    public static bool TryGetPayload(ReadOnlySpan<byte> scriptPubKey, out byte[] payload)
    {
        payload = [];
        if (Classify(scriptPubKey) == RegistryOutputKind.None) return false;
        var rest = scriptPubKey[PrefixBytes..];
        if (rest.IsEmpty) return false;
        var reader = new ScriptReader(rest);
        if (!reader.TryRead(out var opcode, out var data) || opcode > Opcode.OP_PUSHDATA4 || !reader.AtEnd) return false;
        if (!ScriptBuilder.IsMinimalPush(opcode, data)) return false;
        payload = data.ToArray();
        return true;
    }
}
