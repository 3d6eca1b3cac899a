using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>Proof-bearing generation on one transformer: a <see cref="Generator"/> driven by a <see cref="ProofSampler"/>.</summary>
public sealed class ProofGenerator
{
    private readonly Transformer _transformer;
    private readonly ModelIdentity _model;
    private readonly LogitSketch _sketch;
    private readonly int _prefillChunkSize;

    public ProofGenerator(Transformer transformer, ModelIdentity model, int prefillChunkSize = 0)
    {
        if (model.VocabSize != transformer.Config.VocabSize)
            throw new ArgumentException($"model identity is for a vocabulary of {model.VocabSize}, the transformer has {transformer.Config.VocabSize}");
        _transformer = transformer;
        _model = model;
        _sketch = new LogitSketch(transformer.Config.VocabSize);
        _prefillChunkSize = prefillChunkSize;
    }

    /// <summary>A sampler for <paramref name="request"/>, for callers that batch it with other requests themselves.</summary>
    public ProofSampler CreateSampler(ProveRequest request)
    {
        ProofDigest.ValidateWindowSize(request.WindowSize);
        if (request.Windows < 1) throw new ProofInputException($"a proof run needs at least one window (got {request.Windows})");
        var header = new TranscriptHeader(_model.Id, request.Precision, request.Decode, request.Binding, request.WindowSize,
            request.EvidenceCount, request.Prompt.ToArray());
        return new ProofSampler(header, _sketch);
    }

    /// <summary>The request a batch caller hands to <see cref="Generator.GenerateBatch"/> (no stop tokens: see <see cref="ProveRequest"/>).</summary>
    public static GenerationRequest ToGenerationRequest(ProveRequest request, ProofSampler sampler) =>
        new(request.Prompt, sampler, request.TotalTokens);

    /// <summary>
    /// Generates up to <see cref="ProveRequest.Windows"/> windows and stops right after the first window for which
    /// <paramref name="accept"/> returns true (the miner's header check at each window boundary). The transcript then
    /// ends with that window; <see cref="ProveUntilResult.Winner"/> is null if no window was accepted or
    /// <paramref name="cancellation"/> fired first (the transcript then holds the complete windows generated so far).
    /// </summary>
    public ProveUntilResult ProveUntil(ProveRequest request, Func<WindowCandidate, bool> accept, CancellationToken cancellation = default)
    {
        var sampler = CreateSampler(request);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        WindowCandidate? winner = null;
        int checkedWindows = 0;
        void OnToken(int _)
        {
            if (winner is not null || sampler.Windows.Count == checkedWindows) return;
            var window = sampler.Windows[checkedWindows++];
            if (!accept(window)) return;
            winner = window;
            stop.Cancel();
        }
        var result = new Generator(_transformer, _prefillChunkSize).Generate(ToGenerationRequest(request, sampler), OnToken, stop.Token);
        var transcript = sampler.ToTranscript();
        int keep = (winner is null ? sampler.Windows.Count : (int)winner.WindowIndex + 1) * request.WindowSize;
        if (transcript.Steps.Count > keep) transcript = transcript with { Steps = transcript.Steps.Take(keep).ToArray() };
        return new ProveUntilResult(transcript, winner, sampler.Windows.Take(keep / request.WindowSize).ToArray(), result.Stats);
    }

    public ProveResult Prove(ProveRequest request, CancellationToken cancellation = default)
    {
        var sampler = CreateSampler(request);
        var result = new Generator(_transformer, _prefillChunkSize).Generate(ToGenerationRequest(request, sampler), null, cancellation);
        if (result.FinishReason == FinishReason.Cancelled) throw new OperationCanceledException("proof generation was cancelled");
        return new ProveResult(sampler.ToTranscript(), sampler.Windows, result.Stats);
    }
}
