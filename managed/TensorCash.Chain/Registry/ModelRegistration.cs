using System.Text;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Proof;
using TensorCash.Proof.Models;
using TensorCash.Proof.Transcript;

namespace TensorCash.Chain.Registry;

/// <summary>
/// The payload of a registration's <c>OP_RETURN "TCMR"</c> output (docs/protocol/registry.md §2), little-endian:
/// <code>
///   u8 version = 1
///   u8 len + name            (1..64 printable ASCII: RegistrationRules)
///   u8 len + repository      (0..128 printable ASCII)
///   u8 len + commit          (0..64 bytes)
///   modelId                  32
///   u16 len + descriptor     (ModelDescriptor.Encode, at most MaxDescriptorBytes)
///   u8 weightDType           (dtype of every 2-D tensor; 1-D tensors are F32 or this)
///   tensorRoot               32
///   tokenizerHash            32 (informational: SHA-256 of the tokenizer file)
///   profile                  48 (TranscriptCodec.EncodeProfile)
/// </code>
/// Nothing may follow. Decoding checks the layout and that the descriptor and profile decode canonically; what the
/// values must satisfy (charset, model id, profile against descriptor, cost) is <see cref="RegistrationRules"/>'.
/// Text fields are stored byte for byte (Latin-1), so a payload with a non-ASCII name still decodes and is then
/// rejected for its metadata, not its encoding. Equality compares <see cref="Commit"/> by content.
/// </summary>
public sealed record ModelRegistration(
    string Name,
    string Repository,
    byte[] Commit,
    Hash256 ModelId,
    ModelDescriptor Descriptor,
    byte WeightDType,
    Hash256 TensorRoot,
    Hash256 TokenizerHash,
    ProofProfile Profile)
{
    public const byte CurrentVersion = 1;
    public const int MaxNameBytes = 64;
    public const int MaxRepositoryBytes = 128;
    public const int MaxCommitBytes = 64;
    /// <summary>The longest canonical descriptor (with RoPE scaling): a longer length prefix is malformed before anything is read.</summary>
    public const int MaxDescriptorBytes = ModelDescriptor.MaxEncodedBytes;
    /// <summary>The longest payload the layout can describe (each u8-prefixed field at 255 bytes): a cap checked before reading.</summary>
    public const int MaxPayloadBytes = 1 + 3 * (1 + byte.MaxValue) + Hash256.Size + 2 + MaxDescriptorBytes + 1 + 2 * Hash256.Size
        + TranscriptCodec.ProfileBytes;

    public byte[] Encode()
    {
        byte[] descriptor = Descriptor.Encode();
        if (descriptor.Length > MaxDescriptorBytes) throw new ArgumentException($"the descriptor encodes in {descriptor.Length} bytes; at most {MaxDescriptorBytes}");
        var writer = new ChainWriter(512).U8(CurrentVersion);
        ShortField(writer, Latin1(Name, nameof(Name)), nameof(Name));
        ShortField(writer, Latin1(Repository, nameof(Repository)), nameof(Repository));
        ShortField(writer, Commit, nameof(Commit));
        writer.Hash(ModelId).U16((ushort)descriptor.Length).Raw(descriptor).U8(WeightDType).Hash(TensorRoot).Hash(TokenizerHash)
            .Raw(TranscriptCodec.EncodeProfile(Profile));
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes a payload; throws <see cref="RegistryFormatException"/> with "bad-reg-encoding" (layout, version,
    /// lengths, trailing bytes), "bad-reg-architecture" (the descriptor does not decode, or not canonically) or
    /// "bad-reg-profile" (the profile does not decode, or not canonically).
    /// </summary>
    public static ModelRegistration Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
            throw new RegistryFormatException(RegistryReasons.RegEncoding, $"the payload is {payload.Length} bytes; at most {MaxPayloadBytes}");
        string name, repository;
        byte[] commit, descriptorBytes, profileBytes;
        Hash256 modelId, tensorRoot, tokenizerHash;
        byte weightDType;
        try
        {
            var reader = new ChainReader(payload);
            byte version = reader.U8("version");
            if (version != CurrentVersion) throw new ChainFormatException($"version {version}; only {CurrentVersion} is defined");
            name = Encoding.Latin1.GetString(reader.Raw(reader.U8("name length"), "name"));
            repository = Encoding.Latin1.GetString(reader.Raw(reader.U8("repository length"), "repository"));
            commit = reader.Raw(reader.U8("commit length"), "commit").ToArray();
            modelId = reader.Hash("model id");
            int descriptorLength = reader.U16("descriptor length");
            if (descriptorLength > MaxDescriptorBytes) throw new ChainFormatException($"descriptor length {descriptorLength} exceeds {MaxDescriptorBytes}");
            descriptorBytes = reader.Raw(descriptorLength, "descriptor").ToArray();
            weightDType = reader.U8("weight dtype");
            tensorRoot = reader.Hash("tensor root");
            tokenizerHash = reader.Hash("tokenizer hash");
            profileBytes = reader.Raw(TranscriptCodec.ProfileBytes, "profile").ToArray();
            reader.ExpectEnd("registration");
        }
        catch (ChainFormatException e)
        {
            throw new RegistryFormatException(RegistryReasons.RegEncoding, e.Message);
        }

        ModelDescriptor descriptor;
        try
        {
            descriptor = ModelDescriptor.Decode(descriptorBytes);
        }
        catch (ProofInputException e)
        {
            throw new RegistryFormatException(RegistryReasons.RegArchitecture, $"the descriptor does not decode: {e.Message}");
        }
        if (!descriptor.Encode().AsSpan().SequenceEqual(descriptorBytes))
            throw new RegistryFormatException(RegistryReasons.RegArchitecture, "the descriptor is not in its canonical encoding");

        ProofProfile profile;
        try
        {
            profile = TranscriptCodec.DecodeProfile(profileBytes);
        }
        catch (ProofInputException e)
        {
            throw new RegistryFormatException(RegistryReasons.RegProfile, $"the profile does not decode: {e.Message}");
        }
        if (!TranscriptCodec.EncodeProfile(profile).AsSpan().SequenceEqual(profileBytes))
            throw new RegistryFormatException(RegistryReasons.RegProfile, "the profile is not in its canonical encoding");

        return new ModelRegistration(name, repository, commit, modelId, descriptor, weightDType, tensorRoot, tokenizerHash, profile);
    }

    public bool Equals(ModelRegistration? other) =>
        other is not null && Name == other.Name && Repository == other.Repository && Commit.AsSpan().SequenceEqual(other.Commit)
        && ModelId == other.ModelId && Descriptor == other.Descriptor && WeightDType == other.WeightDType && TensorRoot == other.TensorRoot
        && TokenizerHash == other.TokenizerHash && Profile.Equals(other.Profile);

    public override int GetHashCode() => HashCode.Combine(Name, ModelId, TensorRoot);

    private static byte[] Latin1(string text, string field)
    {
        foreach (char c in text)
            if (c > 0xFF) throw new ArgumentException($"{field} has the character U+{(int)c:X4}, which one byte cannot hold");
        return Encoding.Latin1.GetBytes(text);
    }

    private static void ShortField(ChainWriter writer, byte[] bytes, string field)
    {
        if (bytes.Length > byte.MaxValue) throw new ArgumentException($"{field} is {bytes.Length} bytes; its length prefix holds at most {byte.MaxValue}");
        writer.U8((byte)bytes.Length).Raw(bytes);
    }
}
