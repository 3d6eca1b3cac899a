using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving.Replay;

/// <summary>
/// The hashes that tie one step of a proof to its commitment D: the step's leaf and its audit path in the window.
/// Built by re-running the proof session over the committed evidence (no model needed), checked by <see cref="Verify"/>.
/// </summary>
public sealed record CommitmentBinding(byte[] Leaf, List<byte[]> Path, byte[] Commitment)
{
    public static CommitmentBinding For(ProofTranscript transcript, int step)
    {
        var h = transcript.Header;
        if (transcript.Steps.Count != h.WindowSize)
            throw new ArgumentException($"a transcript of {transcript.Steps.Count} steps is not one window of {h.WindowSize}; it has no commitment to bind to");
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Profile);
        var leaves = new List<byte[]>(transcript.Steps.Count);
        WindowCandidate? window = null;
        foreach (var s in transcript.Steps)
        {
            var result = session.Commit(session.Sample(s.Evidence), StatisticsEncoding.ToBytes(s.Statistics));
            if (result.Sampled.TokenId != s.Token)
                throw new ArgumentException($"step {leaves.Count} does not replay its draw (token {s.Token}, draw gives {result.Sampled.TokenId}): run tier 1 first");
            leaves.Add(result.LeafHash);
            window = result.ClosedWindow ?? window;
        }
        return new CommitmentBinding(leaves[step], WindowMerkleTree.Path(leaves, step), window!.ProofCommitment);
    }

    /// <summary>
    /// Null if <paramref name="challenge"/>'s disputed step is provably the one its <see cref="ReplayChallenge.ProofCommitment"/>
    /// covers; otherwise why not. Recomputes the salt, the context hash, the draw, the leaf and G from the challenge's own fields.
    /// </summary>
    public static string? Verify(ReplayChallenge challenge)
    {
        int t = challenge.Step;
        var prompt = challenge.Context.AsSpan(0, challenge.PromptLength);
        var before = challenge.Context.AsSpan(challenge.PromptLength);
        (SampledToken Sampled, byte[] Leaf, byte[] Genesis) recomputed;
        try
        {
            recomputed = IsolatedStep.Recompute(challenge.Binding, challenge.ModelId, prompt, before, challenge.Profile,
                challenge.Committed.Evidence, challenge.Committed.Statistics);
        }
        catch (ProofInputException e)
        {
            return $"step {t} cannot be recomputed: {e.Message}";
        }
        if (recomputed.Sampled.TokenId != challenge.Committed.Token)
            return $"step {t}: the draw over the committed evidence gives token {recomputed.Sampled.TokenId}, not the committed {challenge.Committed.Token}";
        if (!recomputed.Leaf.AsSpan().SequenceEqual(challenge.LeafHash))
            return $"step {t}: the recomputed leaf differs from the challenge's leaf hash";
        var root = WindowMerkleTree.RootFromPath(recomputed.Leaf, t, challenge.Profile.WindowSize, challenge.MerklePath);
        if (root is null) return $"step {t}: the Merkle path has the wrong shape for leaf {t} of {challenge.Profile.WindowSize}";
        return ProofDigest.Commitment(recomputed.Genesis, root).AsSpan().SequenceEqual(challenge.ProofCommitment)
            ? null
            : $"step {t}: leaf, path and genesis digest do not hash to the proof commitment {Convert.ToHexStringLower(challenge.ProofCommitment)}";
    }
}
