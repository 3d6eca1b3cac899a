using System.Buffers.Binary;

namespace TensorCash.Proof;

/// <summary>
/// The proof's candidate for the block header (docs/protocol/proof-of-inference.md §6): the genesis digest G fixes
/// everything chosen before the first draw (binding, profile, model and prompt), the window root fixes everything the
/// inference produced (context, token, exact evidence, sampled probability and statistics of every step), and the
/// commitment D = H("TSC-PROOF" || G || root) and its nonce are functions of the two. Under the exact numerical contract
/// every byte under the root is determined by the model, so D has no free input (docs/protocol/security.md §3).
/// </summary>
public static class ProofDigest
{
    public const int MinWindowSize = 1;
    public const int MaxWindowSize = 4096;

    /// <summary>G = SHA-256("TSC-GENESIS" || short(B) || v || u64 T || C_0 || profile).</summary>
    public static byte[] Genesis(ChainBinding binding, ReadOnlySpan<byte> initialContext, ProofProfile profile)
    {
        if (initialContext.Length != 32) throw new ProofInputException($"context hash C_0 is {initialContext.Length} bytes; it must be 32");
        var input = binding.AppendTo(new HashInput().Raw(DomainTags.Genesis)).Raw(initialContext);
        return profile.AppendTo(input).Sha256();
    }

    /// <summary>D = SHA-256("TSC-PROOF" || G || window root): the header's proof commitment.</summary>
    public static byte[] Commitment(ReadOnlySpan<byte> genesis, ReadOnlySpan<byte> windowRoot)
    {
        if (genesis.Length != 32 || windowRoot.Length != 32)
            throw new ProofInputException($"genesis digest and window root must be 32 bytes (got {genesis.Length} and {windowRoot.Length})");
        return new HashInput().Raw(DomainTags.Proof).Raw(genesis).Raw(windowRoot).Sha256();
    }

    /// <summary>
    /// P = SHA-256("TSC-PATH" || G || C_end): the token path alone (no logit). What a tolerant (cross-backend) audit can
    /// vouch for; never a header field.
    /// </summary>
    public static byte[] Path(ReadOnlySpan<byte> genesis, ReadOnlySpan<byte> finalContext)
    {
        if (genesis.Length != 32 || finalContext.Length != 32)
            throw new ProofInputException($"genesis digest and context hash must be 32 bytes (got {genesis.Length} and {finalContext.Length})");
        return new HashInput().Raw(DomainTags.Path).Raw(genesis).Raw(finalContext).Sha256();
    }

    /// <summary>The header nonce: the first 4 bytes of SHA-256("TSC-NONCE" || D) as a little-endian u32 (Bitcoin's nNonce width).</summary>
    public static uint Nonce(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32) throw new ProofInputException($"proof digest is {digest.Length} bytes; it must be 32");
        return BinaryPrimitives.ReadUInt32LittleEndian(new HashInput().Raw(DomainTags.Nonce).Raw(digest).Sha256());
    }

    public static void ValidateWindowSize(int windowSize)
    {
        if (windowSize is < MinWindowSize or > MaxWindowSize)
            throw new ProofInputException($"window size {windowSize} is outside {MinWindowSize}..{MaxWindowSize}");
    }
}
