using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// The cheap, model-free part of a block's proof check (docs/protocol/chain.md, "Proof of inference in blocks"): the
/// transcript decodes canonically, runs the header's registered model under exactly its pinned profile, is bound to
/// this header and height, replays every draw over its evidence, passes the entropy ceiling, and its commitment and
/// nonce are the header's. Hashing only, bounded by the profile (security.md §7), so it runs before any replay.
/// Passing it does not make a block valid: invented evidence passes it too. Validity needs the exact replay (tier 2),
/// which is the node's business (it holds the model).
/// </summary>
public static class BlockProofRules
{
    /// <summary>
    /// Checks <paramref name="block"/>'s proof under <paramref name="model"/>, the registry entry of the header's model
    /// id that the caller resolved (<c>ModelRegistry.ActiveModel</c> on the registry after the parent; header rules
    /// have rejected a model that is not active).
    /// </summary>
    public static RuleViolation? Check(Block block, int height, ChainParams parameters, RegisteredModel model) =>
        Check(block, height, parameters, model, out _);

    /// <summary>As <see cref="Check(Block,int,ChainParams,RegisteredModel)"/>, also giving the decoded transcript for the replay.</summary>
    public static RuleViolation? Check(Block block, int height, ChainParams parameters, RegisteredModel model, out ProofTranscript? transcript) =>
        CheckProof(block.Header, block.Proof, height, parameters, model, out transcript);

    /// <summary>
    /// The same check on a header and its proof bytes alone (no transactions): what a peer can run on a proof-carrying
    /// header before it asks for the block.
    /// </summary>
    public static RuleViolation? CheckProof(BlockHeader header, ReadOnlySpan<byte> proof, int height, ChainParams parameters, RegisteredModel model,
        out ProofTranscript? transcript)
    {
        ArgumentNullException.ThrowIfNull(model);
        transcript = null;
        long limit = TranscriptCodec.MaxEncodedBytes(model.Profile, Hash256.Size);
        if (proof.Length > limit) // checked before decoding: a transcript may declare any profile, and decoding reads it all
            return new("bad-proof-encoding", $"block {header.Hash}: the proof is {proof.Length} bytes; under {model.Name}'s pinned profile it is at most {limit}");
        ProofTranscript decoded;
        try
        {
            decoded = TranscriptCodec.Decode(proof);
        }
        catch (TranscriptFormatException e)
        {
            return new("bad-proof-encoding", $"block {header.Hash}: the proof transcript does not decode: {e.Message}");
        }
        var h = decoded.Header;
        if (h.ModelId.Length != Hash256.Size || new Hash256(h.ModelId) != header.ModelId)
            return new("bad-proof-model", $"block {header.Hash}: the transcript runs model {Convert.ToHexStringLower(h.ModelId)}, the header declares {Convert.ToHexStringLower(header.ModelId.ToArray())}");

        var options = new Tier1Options([new KnownModel(h.ModelId, model.VocabSize, model.Profile)])
        {
            Expected = new ExpectedBinding(BlockProofBinding.For(header), model.Precision),
            Claim = new ClaimedWindow(header.ProofCommitment.ToArray(), header.Nonce),
        };
        var result = Tier1Verifier.Verify(decoded, options);
        if (!result.Accepted)
        {
            var first = result.Rejections[0];
            string reason = first.Reason switch
            {
                RejectReason.ProfileMismatch => "bad-proof-profile",
                RejectReason.BindingMismatch => "bad-proof-binding",
                RejectReason.CommitmentMismatch => "bad-proof-commitment",
                RejectReason.WindowStructure => "bad-proof-window",
                _ => "bad-proof",
            };
            return new(reason, $"block {header.Hash} at height {height}: {string.Join("; ", result.Rejections)}");
        }
        transcript = decoded;
        return null;
    }
}
