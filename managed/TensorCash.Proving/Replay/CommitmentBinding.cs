using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving.Replay;

/// <summary>
/// The hashes that tie one step of a transcript to the transcript's final proof commitment: its leaf, its audit path
/// in its window, the digest before its window, and the roots of every later window. Built by re-running the proof
/// session over the committed evidence (no model needed), checked by <see cref="Verify"/>.
/// </summary>
public sealed record CommitmentBinding(byte[] Leaf, List<byte[]> Path, byte[] PreviousDigest, List<byte[]> LaterRoots, byte[] Commitment)
{
    public static CommitmentBinding For(ProofTranscript transcript, int step)
    {
        var h = transcript.Header;
        if (transcript.Steps.Count == 0 || transcript.Steps.Count % h.WindowSize != 0)
            throw new ArgumentException($"a transcript of {transcript.Steps.Count} steps is not whole windows of {h.WindowSize}; it has no final commitment to bind to");
        var session = new ProofSession(h.Binding, h.ModelId, h.Prompt, h.Precision, h.Decode, h.WindowSize);
        var leaves = new List<byte[]>(transcript.Steps.Count);
        var windows = new List<WindowCandidate>();
        byte[] genesis = session.CurrentDigest;
        foreach (var s in transcript.Steps)
        {
            var result = session.Commit(session.Sample(s.Evidence), StatisticsEncoding.ToBytes(s.Statistics));
            if (result.Sampled.TokenId != s.Token)
                throw new ArgumentException($"step {leaves.Count} does not replay its draw (token {s.Token}, draw gives {result.Sampled.TokenId}): run tier 1 first");
            leaves.Add(result.LeafHash);
            if (result.ClosedWindow is { } w) windows.Add(w);
        }
        int window = step / h.WindowSize;
        var windowLeaves = leaves.GetRange(window * h.WindowSize, h.WindowSize);
        return new CommitmentBinding(
            leaves[step],
            WindowMerkleTree.Path(windowLeaves, step % h.WindowSize),
            window == 0 ? genesis : windows[window - 1].ProofCommitment,
            windows.Skip(window + 1).Select(w => w.WindowRoot).ToList(),
            windows[^1].ProofCommitment);
    }

    /// <summary>
    /// Null if <paramref name="challenge"/>'s disputed step is provably the one its <see cref="ReplayChallenge.ProofCommitment"/>
    /// covers; otherwise why not. Recomputes the draw and the leaf from the challenge's own fields.
    /// </summary>
    public static string? Verify(ReplayChallenge challenge)
    {
        int t = challenge.Step, w = challenge.WindowIndex;
        var prompt = challenge.Context.AsSpan(0, challenge.PromptLength);
        var before = challenge.Context.AsSpan(challenge.PromptLength);
        (SampledToken sampled, byte[] leaf) recomputed;
        try
        {
            recomputed = IsolatedStep.Recompute(challenge.Binding, challenge.ModelId, prompt, before, challenge.Precision, challenge.Decode,
                challenge.Committed.Evidence, challenge.Committed.Statistics);
        }
        catch (ProofInputException e)
        {
            return $"step {t} cannot be recomputed: {e.Message}";
        }
        if (recomputed.sampled.TokenId != challenge.Committed.Token)
            return $"step {t}: the draw over the committed evidence gives token {recomputed.sampled.TokenId}, not the committed {challenge.Committed.Token}";
        if (!recomputed.leaf.AsSpan().SequenceEqual(challenge.LeafHash))
            return $"step {t}: the recomputed leaf differs from the challenge's leaf hash";
        var root = WindowMerkleTree.RootFromPath(recomputed.leaf, t % challenge.WindowSize, challenge.WindowSize, challenge.MerklePath);
        if (root is null) return $"step {t}: the Merkle path has the wrong shape for leaf {t % challenge.WindowSize} of {challenge.WindowSize}";
        var digest = ProofDigest.Next(challenge.PreviousDigest, root, (uint)w);
        for (int i = 0; i < challenge.LaterWindowRoots.Count; i++)
            digest = ProofDigest.Next(digest, challenge.LaterWindowRoots[i], (uint)(w + 1 + i));
        return digest.AsSpan().SequenceEqual(challenge.ProofCommitment)
            ? null
            : $"step {t}: leaf, path and window roots do not chain to the proof commitment {Convert.ToHexStringLower(challenge.ProofCommitment)}";
    }
}
