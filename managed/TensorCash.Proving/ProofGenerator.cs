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

    /// <summary>A sampler for one window after <paramref name="prompt"/>, for callers that batch it with other requests themselves.</summary>
    public ProofSampler CreateSampler(int[] prompt, ProofProfile profile, ChainBinding binding)
    {
        if (prompt.Length + profile.SaltTokens + profile.WindowSize > _transformer.Config.MaxSequenceLength)
            throw new ProofInputException($"prompt ({prompt.Length}), salt ({profile.SaltTokens}) and window ({profile.WindowSize}) exceed the model's context of {_transformer.Config.MaxSequenceLength}");
        return new ProofSampler(new TranscriptHeader(_model.Id, profile, binding, prompt), _sketch);
    }

    /// <summary>The request a batch caller hands to <see cref="Generator.GenerateBatch"/> (no stop tokens: see <see cref="ProveRequest"/>).</summary>
    public static GenerationRequest ToGenerationRequest(ProofSampler sampler, ProofProfile profile) =>
        new(sampler.ModelPrompt, sampler, profile.WindowSize);

    /// <summary>One window after the request's prompt (its <see cref="ProveRequest.Attempts"/> is ignored).</summary>
    public ProveResult Prove(ProveRequest request, CancellationToken cancellation = default) =>
        ProveWindow(request.Prompt, request.Profile, request.Binding, cancellation)
        ?? throw new OperationCanceledException("proof generation was cancelled");

    /// <summary>
    /// Up to <see cref="ProveRequest.Attempts"/> windows, each a fresh proof continuing the text so far, until
    /// <paramref name="accept"/> takes one (the miner's header check) or <paramref name="cancellation"/> fires.
    /// </summary>
    public ProveUntilResult ProveUntil(ProveRequest request, Func<WindowCandidate, bool> accept, CancellationToken cancellation = default)
    {
        var context = new List<int>();
        var generated = new List<int>();
        int attempts = 0;
        for (int attempt = 1; attempt <= request.Attempts && !cancellation.IsCancellationRequested; attempt++)
        {
            int[] full = [.. request.Prompt, .. context];
            int[] prompt = full.Length > request.Profile.MaxPromptTokens ? full[^request.Profile.MaxPromptTokens..] : full;
            var result = ProveWindow(prompt, request.Profile, request.Binding, cancellation);
            if (result is null) break; // cancelled mid-window: the partial window proves nothing and its text is dropped
            attempts = attempt;
            var tokens = result.Transcript.Steps.Select(s => s.Token).ToArray();
            context.AddRange(ProofSalt.For(result.Transcript.Header));
            context.AddRange(tokens);
            generated.AddRange(tokens);
            if (accept(result.Window)) return new ProveUntilResult(result, attempt, [.. generated], [.. context]);
        }
        return new ProveUntilResult(null, attempts, [.. generated], [.. context]);
    }

    private ProveResult? ProveWindow(int[] prompt, ProofProfile profile, ChainBinding binding, CancellationToken cancellation)
    {
        var sampler = CreateSampler(prompt, profile, binding);
        var result = new Generator(_transformer, _prefillChunkSize).Generate(ToGenerationRequest(sampler, profile), null, cancellation);
        if (result.FinishReason == FinishReason.Cancelled || sampler.Window is null) return null;
        return new ProveResult(sampler.ToTranscript(), sampler.Window, result.Stats);
    }
}
