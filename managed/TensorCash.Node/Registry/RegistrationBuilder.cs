using System.Security.Cryptography;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Engine.Builtin;
using TensorCash.Node.Mining;
using TensorCash.Proof;

namespace TensorCash.Node.Registry;

/// <summary>
/// The registration payload (docs/protocol/registry.md §2) of a model this node holds: its V2 commitment (descriptor,
/// tensor root, weight dtype) straight from the loaded weights, the network's standard proof profile for its
/// vocabulary, and the metadata the operator gives. Checked with the consensus <see cref="RegistrationRules"/> before
/// it is returned, so a wallet never pays a deposit for a payload every node would reject.
/// </summary>
public static class RegistrationBuilder
{
    public const int StandardPromptCap = 1024;

    /// <summary>
    /// The network's standard profile for a model of <paramref name="vocabSize"/> tokens and <paramref name="maxSequence"/>
    /// positions: builtin:tiny's decode settings and evidence count, the network's window, the fewest salt tokens with
    /// V^S ≥ 2^64 (security.md §6), F32 precision (the CPU engine computes in F32 whatever the weights' dtype), a prompt
    /// cap of 1024 or what the context leaves, and the default entropy ceiling.
    /// </summary>
    public static ProofProfile StandardProfile(int vocabSize, int maxSequence, ChainParams parameters)
    {
        int window = parameters.ProofWindowSize;
        var tiny = ChainParams.BuiltinTinyProfile(window);
        int salt = RegistrationRules.MinimumSaltTokens(vocabSize);
        int cap = Math.Min(StandardPromptCap, maxSequence - salt - window);
        if (cap < 1)
            throw new ArgumentException($"a model of {maxSequence} positions has no room for a prompt, {salt} salt tokens and a {window}-token window");
        return new ProofProfile(tiny.Decode, Math.Min(tiny.EvidenceCount, vocabSize), window, PrecisionTag.F32, vocabSize, salt, cap);
    }

    /// <exception cref="ArgumentException">The metadata or the model cannot make a valid registration; the message says why.</exception>
    public static ModelRegistration Build(InferenceModel model, ChainParams parameters, string? name = null, string repository = "", byte[]? commit = null)
    {
        var identity = model.Identity;
        if (!identity.HasUniformWeightDType)
            throw new ArgumentException($"{model.Spec}: its 2-D tensors mix dtypes, which a registration cannot declare (one weight dtype per model)");
        var descriptor = identity.Descriptor;
        var registration = new ModelRegistration(
            name ?? DefaultName(model.Spec),
            repository,
            commit ?? [],
            new Hash256(identity.Id),
            descriptor,
            (byte)identity.WeightDType,
            new Hash256(identity.TensorRoot),
            new Hash256(TokenizerHash(model)),
            StandardProfile(descriptor.VocabSize, descriptor.MaxSequenceLength, parameters));
        if (RegistrationRules.Check(registration, parameters) is { } violation)
            throw new ArgumentException($"{model.Spec} cannot be registered: {violation.Reason}: {violation.Message}");
        return registration;
    }

    /// <summary>A name from the spec: "builtin:nano" stays, a path becomes its last component (at most 64 characters).</summary>
    private static string DefaultName(string spec)
    {
        string name = spec.StartsWith("builtin:", StringComparison.Ordinal) ? spec : Path.GetFileName(spec.TrimEnd('/', '\\'));
        name = new string(name.Where(c => c is >= (char)0x20 and <= (char)0x7E).ToArray());
        if (name.Length == 0) name = "model";
        return name.Length > ModelRegistration.MaxNameBytes ? name[..ModelRegistration.MaxNameBytes] : name;
    }

    /// <summary>
    /// SHA-256 of the tokenizer file next to the weights (tokenizer.json), of "builtin:byte" for the builtin byte
    /// tokenizer (tiny, nano), or 32 zero bytes when there is none to hash (a GGUF such as builtin:small's carries its
    /// vocabulary inside). Informational:
    /// proofs run on token ids, so consensus cannot and need not check it.
    /// </summary>
    private static byte[] TokenizerHash(InferenceModel model)
    {
        if (BuiltinModels.UsesByteTokenizer(model.Spec)) return SHA256.HashData("builtin:byte"u8);
        foreach (string file in model.Weights.Files)
        {
            string? directory = Path.GetDirectoryName(file);
            string candidate = Path.Combine(directory ?? ".", "tokenizer.json");
            if (File.Exists(candidate)) return SHA256.HashData(File.ReadAllBytes(candidate));
        }
        return new byte[32];
    }
}
