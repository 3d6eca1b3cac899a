using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Proof;
using TensorCash.Proof.Models;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The stateless checks of a decoded registration payload (docs/protocol/registry.md §2), in this order:
/// "bad-reg-metadata", "bad-reg-architecture", "bad-reg-model-id", "bad-reg-profile", "bad-reg-audit". What the
/// transaction around it must satisfy (deposit, one registry output, not a coinbase) is <see cref="RegistryActions"/>';
/// what depends on the registry (duplicates, bans, slots) is <see cref="RegistryRules"/>'. Cost: one SHA-256 of a few
/// hundred bytes, one pass over the expected tensors (at most 512 layers × 12) and integer arithmetic.
/// </summary>
public static class RegistrationRules
{
    public static RuleViolation? Check(ModelRegistration registration, ChainParams parameters)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (CheckText(registration.Name, "name", 1, ModelRegistration.MaxNameBytes) is { } badName) return Metadata(badName);
        if (CheckText(registration.Repository, "repository", 0, ModelRegistration.MaxRepositoryBytes) is { } badRepository) return Metadata(badRepository);
        if (registration.Commit.Length > ModelRegistration.MaxCommitBytes)
            return Metadata($"the commit is {registration.Commit.Length} bytes; at most {ModelRegistration.MaxCommitBytes}");

        var descriptor = registration.Descriptor;
        try
        {
            descriptor.Validate();
        }
        catch (ProofInputException e)
        {
            return new(RegistryReasons.RegArchitecture, $"model {registration.Name}: {e.Message}");
        }
        if (CheckWeightDType(descriptor, registration.WeightDType) is { } badDType)
            return new(RegistryReasons.RegArchitecture, $"model {registration.Name}: {badDType}");

        var expectedId = new Hash256(ModelCommitment.ModelId(descriptor.Encode(), registration.TensorRoot.ToArray()));
        if (expectedId != registration.ModelId)
            return new(RegistryReasons.RegModelId, $"model {registration.Name}: the payload names model id {Hex(registration.ModelId)}; its descriptor and tensor root give {Hex(expectedId)}");

        var profile = registration.Profile;
        if (profile.VocabSize != descriptor.VocabSize)
            return new(RegistryReasons.RegProfile, $"model {registration.Name}: the profile's vocabulary {profile.VocabSize} is not the descriptor's {descriptor.VocabSize}");
        if (profile.MaxContextTokens > descriptor.MaxSequenceLength)
            return new(RegistryReasons.RegProfile, $"model {registration.Name}: prompt cap {profile.MaxPromptTokens} + salt {profile.SaltTokens} + window {profile.WindowSize} exceeds the model's {descriptor.MaxSequenceLength} positions");

        if (CheckProfileFloor(profile, parameters) is { } weak)
            return new(RegistryReasons.RegProfile, $"model {registration.Name}: {weak}");

        if (ModelCost.CostUnits(descriptor, registration.WeightDType, profile) == 0)
            return new(RegistryReasons.RegAudit, $"model {registration.Name}: the architecture audit gives no finite cost");
        return null;
    }

    /// <summary>Salt strings a miner could hold caches for must number at least 2^64 (security.md §6).</summary>
    public const int MinSaltSpaceBits = 64;

    /// <summary>S = the fewest salt tokens with V^S ≥ 2^<see cref="MinSaltSpaceBits"/> (security.md §6), for a vocabulary of at least 2.</summary>
    public static int MinimumSaltTokens(int vocabSize)
    {
        if (vocabSize < 2) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "a vocabulary has at least 2 tokens");
        int salt = 1;
        for (var salts = new System.Numerics.BigInteger(vocabSize); salts < System.Numerics.BigInteger.One << MinSaltSpaceBits; salts *= vocabSize) salt++;
        return salt;
    }

    /// <summary>
    /// The security floor every pinned profile must meet (docs/protocol/security.md), so that no registrant can admit
    /// a profile that brings back an attack the genesis profile closes: the network's one window size (attempt
    /// granularity, and D_m compares costs per window of the same length), V^S ≥ 2^64 salts (§6: salt grinding),
    /// an entropy ceiling below 1 (§5: a ceiling of 1 admits degenerate, predictable windows) and a finite top-k
    /// (the committed K candidates must be everything the sampler can draw).
    /// </summary>
    public static string? CheckProfileFloor(ProofProfile profile, ChainParams parameters)
    {
        if (profile.WindowSize != parameters.ProofWindowSize)
            return $"the window is {profile.WindowSize} tokens; every model on {parameters.Network} mines windows of {parameters.ProofWindowSize}";
        if (profile.SaltTokens < MinimumSaltTokens(profile.VocabSize))
            return $"{profile.SaltTokens} salt tokens over a vocabulary of {profile.VocabSize} give fewer than 2^{MinSaltSpaceBits} salts (security.md §6)";
        if (profile.CeilingQ32 >= 1UL << 32)
            return "the entropy ceiling is 1: degenerate, predictable windows could mine (security.md §5)";
        if (profile.Decode.TopK < 1)
            return "top-k is 0 (unlimited): the committed evidence could not cover every token the sampler may draw";
        return null;
    }

    /// <summary>
    /// The weight dtype must be one the engine runs, and every 2-D tensor of the layout must be representable in it
    /// (Q8_0 needs whole blocks of 32 elements); otherwise no honest tensor list can match the descriptor.
    /// </summary>
    private static string? CheckWeightDType(ModelDescriptor descriptor, byte weightDType)
    {
        if (!WeightDTypes.IsDefined(weightDType)) return $"weight dtype {weightDType} is not one of F32 (0), F16 (1), BF16 (2), Q8_0 (3)";
        foreach (var tensor in descriptor.ExpectedTensors())
            if (tensor.Shape.Length == 2 && TensorLeaf.ByteLengthFor(weightDType, tensor.Shape) < 0)
                return $"tensor {tensor.Role} of shape [{string.Join(", ", tensor.Shape)}] has no {WeightDTypes.Name(weightDType)} encoding";
        return null;
    }

    /// <summary>Printable ASCII (0x20..0x7E) of <paramref name="min"/>..<paramref name="max"/> characters: names show up in logs and RPC untouched.</summary>
    private static string? CheckText(string text, string field, int min, int max)
    {
        if (text.Length < min || text.Length > max) return $"the {field} is {text.Length} characters; it must be {min}..{max}";
        for (int i = 0; i < text.Length; i++)
            if (text[i] is < (char)0x20 or > (char)0x7E) return $"the {field} has byte 0x{(int)text[i]:x2} at {i}; only printable ASCII is allowed";
        return null;
    }

    private static RuleViolation Metadata(string message) => new(RegistryReasons.RegMetadata, message);

    private static string Hex(Hash256 id) => Convert.ToHexStringLower(id.ToArray());
}
