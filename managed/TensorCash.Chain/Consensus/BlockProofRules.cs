using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Tier 1 of a block's proof of inference at acceptance (docs/protocol/chain.md, "Proof of inference in blocks"): the
/// transcript decodes canonically, runs the header's registered model at its registered precision with the network's
/// window size, is bound to this header and height, replays every draw, and its last window's commitment and nonce
/// are the header's. Tier 2 (a replay on the model) is the node's business where it holds the model.
/// </summary>
public static class BlockProofRules
{
    public static RuleViolation? Check(Block block, int height, ChainParams parameters) => Check(block, height, parameters, out _);

    /// <summary>As <see cref="Check(Block,int,ChainParams)"/>, also giving the decoded transcript for a tier-2 replay.</summary>
    public static RuleViolation? Check(Block block, int height, ChainParams parameters, out ProofTranscript? transcript)
    {
        transcript = null;
        var header = block.Header;
        ProofTranscript decoded;
        try
        {
            decoded = TranscriptCodec.Decode(block.Proof);
        }
        catch (TranscriptFormatException e)
        {
            return new("bad-proof-encoding", $"block {header.Hash}: the proof transcript does not decode: {e.Message}");
        }
        var h = decoded.Header;
        if (h.ModelId.Length != Hash256.Size || new Hash256(h.ModelId) != header.ModelId)
            return new("bad-proof-model", $"block {header.Hash}: the transcript runs model {Convert.ToHexStringLower(h.ModelId)}, the header declares {Convert.ToHexStringLower(header.ModelId.ToArray())}");
        if (!parameters.Models.TryGetValue(header.ModelId, out var model))
            return new("bad-proof-model", $"block {header.Hash}: model {Convert.ToHexStringLower(header.ModelId.ToArray())} is not registered");
        if (h.WindowSize != parameters.ProofWindowSize)
            return new("bad-proof-window", $"block {header.Hash}: the transcript uses windows of {h.WindowSize} tokens; this network requires {parameters.ProofWindowSize}");
        if (decoded.Steps.Count == 0 || decoded.Steps.Count % h.WindowSize != 0)
            return new("bad-proof", $"block {header.Hash}: {decoded.Steps.Count} steps are not a positive whole number of windows of {h.WindowSize}");

        var options = new Tier1Options([new KnownModel(h.ModelId, model.VocabSize)])
        {
            Expected = new ExpectedBinding(BlockProofBinding.For(header, height), model.Precision),
            Claim = new ClaimedWindow((uint)(decoded.Steps.Count / h.WindowSize - 1), header.ProofCommitment.ToArray(), header.Nonce),
        };
        var result = Tier1Verifier.Verify(decoded, options);
        if (!result.Accepted)
        {
            var first = result.Rejections[0];
            string reason = first.Reason switch
            {
                RejectReason.BindingMismatch => "bad-proof-binding",
                RejectReason.CommitmentMismatch => "bad-proof-commitment",
                _ => "bad-proof",
            };
            return new(reason, $"block {header.Hash} at height {height}: {first}");
        }
        transcript = decoded;
        return null;
    }
}
