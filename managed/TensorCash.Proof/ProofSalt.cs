using System.Buffers.Binary;

namespace TensorCash.Proof;

/// <summary>
/// The salt: S tokens derived from the chain binding and the prompt, fed to the model between the prompt and the
/// window. Every window position then attends to a context no earlier attempt could have computed, so the logits of
/// one attempt (its KV cache, its evidence) are worthless for the next: a new B or a new prompt means W + S fresh
/// forward positions (docs/protocol/security.md §6). The prompt's own positions stay reusable, as in any server.
///
/// salt_i = BE64(SHA-256("TSC-SALT" || short(B) || v || u64 T || u8 dt || C_0 || u32 i)[0..8]) mod V, i = 0..S-1
/// (C_0 covers the model id and the prompt). Modulo bias is below V / 2^64.
/// </summary>
public static class ProofSalt
{
    public static int[] Derive(ChainBinding binding, PrecisionTag precision, ReadOnlySpan<byte> initialContext, int count, int vocabSize)
    {
        if (initialContext.Length != 32) throw new ProofInputException($"context hash C_0 is {initialContext.Length} bytes; it must be 32");
        if (count is < 1 or > ProofProfile.MaxSaltTokens) throw new ProofInputException($"salt length {count} is outside 1..{ProofProfile.MaxSaltTokens}");
        if (vocabSize < 2) throw new ProofInputException($"vocabulary size {vocabSize} is below 2");
        var salt = new int[count];
        for (var i = 0; i < count; i++)
        {
            var digest = binding.AppendTo(new HashInput().Raw(DomainTags.Salt)).U8((byte)precision).Raw(initialContext).U32((uint)i).Sha256();
            salt[i] = (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % (ulong)vocabSize);
        }
        return salt;
    }

    /// <summary>The salt of a transcript's header.</summary>
    public static int[] For(Transcript.TranscriptHeader header) =>
        Derive(header.Binding, header.Precision, ContextHash.Initial(header.ModelId, header.Prompt), header.Profile.SaltTokens, header.Profile.VocabSize);

    /// <summary>What the model is fed before the window: the prompt, then the salt.</summary>
    public static int[] ModelPrompt(Transcript.TranscriptHeader header) => [.. header.Prompt, .. For(header)];
}
