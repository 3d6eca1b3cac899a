using System.Runtime.InteropServices;

namespace TensorCash.Proof;

/// <summary>
/// Drives one proof: exactly one window of W steps after the prompt and the chain-bound salt. Each step draws u_t from
/// the rolling context, samples from the committed evidence, hashes the leaf (bound to C_t) and advances; the W-th
/// step closes the window into a <see cref="WindowCandidate"/>. A verifier replays the same calls. A miner that wants
/// another candidate starts another session (another prompt or another binding, hence another salt).
/// </summary>
public sealed class ProofSession
{
    private readonly ChainBinding _binding;
    private readonly ProofProfile _profile;
    private readonly RepetitionWindow _penalty;
    private readonly List<byte[]> _leaves = [];
    private readonly List<ulong> _probabilities = [];
    private byte[] _context;
    private uint _step;

    public ProofSession(ChainBinding binding, ReadOnlySpan<byte> modelId, ReadOnlySpan<int> prompt, ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(profile);
        if (prompt.Length > profile.MaxPromptTokens)
            throw new ProofInputException($"the prompt has {prompt.Length} tokens; this profile allows at most {profile.MaxPromptTokens}");
        _binding = binding;
        _profile = profile;
        var initial = ContextHash.Initial(modelId, prompt);
        Genesis = ProofDigest.Genesis(binding, initial, profile);
        Salt = ProofSalt.Derive(binding, profile.Precision, initial, profile.SaltTokens, profile.VocabSize);
        _context = initial;
        foreach (var token in Salt) _context = ContextHash.Next(_context, token);
        _penalty = new RepetitionWindow([.. prompt, .. Salt], profile.Decode.PenaltyLastN);
    }

    /// <summary>G: the genesis digest (binding, profile, model and prompt).</summary>
    public byte[] Genesis { get; }

    /// <summary>The salt tokens the model must see after the prompt and before the first generated token.</summary>
    public int[] Salt { get; }

    /// <summary>C_t: the context hash before the next step.</summary>
    public byte[] CurrentContext => _context;

    /// <summary>Index of the next step (number of steps committed so far).</summary>
    public uint StepIndex => _step;

    public bool IsComplete => _step == _profile.WindowSize;

    /// <summary>Draws, samples, hashes the leaf and advances: <see cref="Sample"/> then <see cref="Commit"/>.</summary>
    public StepResult Step(StepEvidence evidence, ReadOnlySpan<byte> statistics) => Commit(Sample(evidence), statistics);

    /// <summary>
    /// Draws u_t and samples the token without changing the session. The choice depends only on the evidence and the
    /// state, never on the statistics, so a capture path can compute the statistics (which need the sampled token)
    /// between this call and <see cref="Commit"/>.
    /// </summary>
    public PendingStep Sample(StepEvidence evidence)
    {
        if (IsComplete) throw new ProofInputException($"the window is complete after {_profile.WindowSize} steps; a proof holds one window");
        if (evidence.Candidates.Count != _profile.EvidenceCount)
            throw new ProofInputException($"step {_step} has {evidence.Candidates.Count} evidence candidates; the profile pins {_profile.EvidenceCount}");
        var draw = DrawFunction.Draw(_binding, _step, _context, _profile.Precision);
        var sampled = SamplingDistribution.Build(evidence, _profile.Decode, _penalty.Penalized).Sample(draw);
        return new PendingStep(_step, draw, sampled, evidence);
    }

    /// <summary>Hashes the leaf of a step sampled by <see cref="Sample"/> with its statistics and advances the session.</summary>
    public StepResult Commit(PendingStep pending, ReadOnlySpan<byte> statistics)
    {
        if (pending.Step != _step)
            throw new ProofInputException($"pending step {pending.Step} does not belong here: the session is at step {_step}");
        var sampled = pending.Sampled;
        var leaf = StepLeaf.Hash(_step, _context, sampled.TokenId, pending.Evidence, sampled.ProbabilityQ32, statistics);

        _penalty.Add(sampled.TokenId);
        _context = ContextHash.Next(_context, sampled.TokenId);
        _leaves.Add(leaf);
        _probabilities.Add(sampled.ProbabilityQ32);
        _step++;
        return new StepResult(pending.Draw, sampled, leaf, IsComplete ? CloseWindow() : null);
    }

    private WindowCandidate CloseWindow()
    {
        var root = WindowMerkleTree.Root(_leaves);
        var commitment = ProofDigest.Commitment(Genesis, root);
        var eligible = EntropyCeiling.IsEligible(CollectionsMarshal.AsSpan(_probabilities), _profile.CeilingQ32);
        return new WindowCandidate(root, commitment, ProofDigest.Nonce(commitment), eligible, ProofDigest.Path(Genesis, _context));
    }
}
