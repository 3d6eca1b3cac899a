using System.Runtime.InteropServices;

namespace TensorCash.Proof;

/// <summary>
/// Drives one proof-bearing generation: the sampler hook the engine calls once per step. Each step draws u_t from the
/// rolling context, samples from the committed evidence, hashes the leaf, advances the context, and at every W-th
/// step closes the window into a <see cref="WindowCandidate"/>. A verifier replays the same calls.
/// </summary>
public sealed class ProofSession
{
    private readonly ChainBinding _binding;
    private readonly PrecisionTag _precision;
    private readonly DecodeParameters _parameters;
    private readonly int _windowSize;
    private readonly ulong _ceilingQ32;
    private readonly List<int> _tokens;
    private readonly List<byte[]> _windowLeaves = [];
    private readonly List<ulong> _windowProbabilities = [];
    private byte[] _context;
    private byte[] _digest;
    private uint _step;
    private uint _windowIndex;

    public ProofSession(ChainBinding binding, ReadOnlySpan<byte> modelId, ReadOnlySpan<int> prompt, PrecisionTag precision,
        DecodeParameters parameters, int windowSize, ulong ceilingQ32 = EntropyCeiling.DefaultCeilingQ32)
    {
        if (ceilingQ32 > 1UL << 32) throw new ProofInputException($"entropy ceiling {ceilingQ32}/2^32 exceeds 1");
        _binding = binding;
        _precision = precision;
        _parameters = parameters;
        _windowSize = windowSize;
        _ceilingQ32 = ceilingQ32;
        _tokens = [.. prompt.ToArray()];
        _context = ContextHash.Initial(modelId, prompt);
        _digest = ProofDigest.Genesis(binding, precision, _context, parameters, windowSize);
    }

    public byte[] CurrentDigest => _digest;

    /// <summary>Index of the next step (number of steps committed so far).</summary>
    public uint StepIndex => _step;

    /// <summary>Draws, samples, hashes the leaf and advances: <see cref="Sample"/> then <see cref="Commit"/>.</summary>
    public StepResult Step(StepEvidence evidence, ReadOnlySpan<byte> statistics) => Commit(Sample(evidence), statistics);

    /// <summary>
    /// Draws u_t and samples the token without changing the session. The choice depends only on the evidence and the
    /// state, never on the statistics, so a capture path can compute the statistics (which need the sampled token)
    /// between this call and <see cref="Commit"/>.
    /// </summary>
    public PendingStep Sample(StepEvidence evidence)
    {
        var draw = DrawFunction.Draw(_binding, _step, _context, _precision);
        var penalized = RepetitionWindow.PenalizedTokens(CollectionsMarshal.AsSpan(_tokens), _parameters.PenaltyLastN);
        var sampled = SamplingDistribution.Build(evidence, _parameters, penalized).Sample(draw);
        return new PendingStep(_step, draw, sampled, evidence);
    }

    /// <summary>Hashes the leaf of a step sampled by <see cref="Sample"/> with its statistics and advances the session.</summary>
    public StepResult Commit(PendingStep pending, ReadOnlySpan<byte> statistics)
    {
        if (pending.Step != _step)
            throw new ProofInputException($"pending step {pending.Step} does not belong here: the session is at step {_step}");
        var sampled = pending.Sampled;
        var leaf = StepLeaf.Hash(_step, sampled.TokenId, pending.Evidence, sampled.ProbabilityQ32, statistics);

        _tokens.Add(sampled.TokenId);
        _context = ContextHash.Next(_context, sampled.TokenId);
        _windowLeaves.Add(leaf);
        _windowProbabilities.Add(sampled.ProbabilityQ32);
        _step++;
        return new StepResult(pending.Draw, sampled, leaf, _windowLeaves.Count == _windowSize ? CloseWindow() : null);
    }

    private WindowCandidate CloseWindow()
    {
        var root = WindowMerkleTree.Root(_windowLeaves);
        _digest = ProofDigest.Next(_digest, root, _windowIndex);
        var eligible = EntropyCeiling.IsEligible(CollectionsMarshal.AsSpan(_windowProbabilities), _ceilingQ32);
        var candidate = new WindowCandidate(_windowIndex, root, _digest, ProofDigest.Nonce(_digest), eligible);
        _windowLeaves.Clear();
        _windowProbabilities.Clear();
        _windowIndex++;
        return candidate;
    }
}
