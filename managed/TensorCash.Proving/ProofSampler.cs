using TensorCash.Engine.Generation;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// The capture path: an <see cref="ITokenSampler"/> that chooses every token by the proof rules and records the
/// evidence as a side effect, inside the generation loop (no second pass). Per step: the top-K raw logits become the
/// step's evidence; <see cref="ProofSession.Sample"/> draws and picks the token from that evidence alone; the
/// full-vocabulary statistics and sketch (which need the sampled token) are computed from the same logits; then
/// <see cref="ProofSession.Commit"/> hashes the leaf with the statistics' canonical bytes. The generation request must
/// feed <see cref="ModelPrompt"/> (prompt, then salt). Not thread-safe: one per sequence.
/// </summary>
public sealed class ProofSampler : ITokenSampler
{
    private readonly ProofSession _session;
    private readonly TranscriptHeader _header;
    private readonly LogitSketch _sketch;
    private readonly List<TranscriptStep> _steps = [];
    private readonly int[] _ids;
    private readonly float[] _values;
    private readonly LogitCandidate[] _candidates;

    public ProofSampler(TranscriptHeader header, LogitSketch sketch)
    {
        if (header.Profile.VocabSize != sketch.VocabSize)
            throw new ProofInputException($"the profile's vocabulary is {header.Profile.VocabSize}; the model's is {sketch.VocabSize}");
        _header = header;
        _sketch = sketch;
        _session = new ProofSession(header.Binding, header.ModelId, header.Prompt, header.Profile);
        _ids = new int[header.EvidenceCount];
        _values = new float[header.EvidenceCount];
        _candidates = new LogitCandidate[header.EvidenceCount];
        ModelPrompt = [.. header.Prompt, .. _session.Salt];
    }

    /// <summary>What the model must be fed before the first step: the prompt, then the chain-bound salt.</summary>
    public int[] ModelPrompt { get; }

    /// <summary>The window's candidate once all W steps are in, else null.</summary>
    public WindowCandidate? Window { get; private set; }

    public int StepCount => _steps.Count;

    public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        if (step != _steps.Count) throw new InvalidOperationException($"proof sampler got step {step} but has recorded {_steps.Count}");
        TopK.Select(logits, _candidates.Length, _ids, _values);
        for (int i = 0; i < _candidates.Length; i++)
            _candidates[i] = new LogitCandidate(_ids[i], BitConverter.SingleToUInt32Bits(_values[i]));
        var evidence = new StepEvidence(_candidates);

        var pending = _session.Sample(evidence);
        int token = pending.Sampled.TokenId;
        var statistics = LogitStatistics.Compute(logits, token, _sketch);
        var result = _session.Commit(pending, StatisticsEncoding.ToBytes(statistics));

        _steps.Add(new TranscriptStep(token, evidence, statistics));
        if (result.ClosedWindow is { } window) Window = window;
        return token;
    }

    /// <summary>The transcript of the steps recorded so far.</summary>
    public ProofTranscript ToTranscript() => new(_header, _steps.ToArray());
}
