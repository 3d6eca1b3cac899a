using System.Diagnostics;
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
    /// One KV cache serves every attempt: attempt k's prompt is attempt k−1's prompt, salt and window, so only the new
    /// salt and window positions are fed (the salt makes them fresh work; the prompt's positions are not). When that
    /// would exceed the profile's prompt cap, the prompt becomes the text's last half-cap tokens and the cache starts
    /// over with one prefill, so a long job pays one prefill every cap / 2(S + W) windows. The logits, hence the
    /// transcript, are bitwise those of <see cref="Prove"/> on the same prompt (the backend does not depend on how the
    /// context was fed).
    /// </summary>
    public ProveUntilResult ProveUntil(ProveRequest request, Func<WindowCandidate, bool> accept, CancellationToken cancellation = default)
    {
        var profile = request.Profile;
        int cap = profile.MaxPromptTokens, vocab = _transformer.Config.VocabSize;
        int capacity = Math.Min(_transformer.Config.MaxSequenceLength, cap + profile.SaltTokens + profile.WindowSize);
        var context = new List<int>();
        var generated = new List<int>();
        var logits = new float[vocab];
        Sequence? sequence = null;
        int[] cached = []; // the tokens the cache holds, in order: always a prefix of the next attempt's model prompt
        bool continues = false; // whether the next attempt's prompt extends what the cache holds
        int attempts = 0;
        int[] prompt = request.Prompt.Length > cap ? request.Prompt[^cap..] : request.Prompt;
        try
        {
            for (int attempt = 1; attempt <= request.Attempts && !cancellation.IsCancellationRequested; attempt++)
            {
                if (!continues || sequence is null)
                {
                    sequence?.Dispose();
                    sequence = _transformer.NewSequence(capacity);
                    cached = [];
                }
                var sampler = CreateSampler(prompt, profile, request.Binding);
                long start = Stopwatch.GetTimestamp();
                int[] modelPrompt = sampler.ModelPrompt; // cached is a prefix of it: the previous prompt, salt and window
                Feed(sequence, modelPrompt.AsMemory(cached.Length), logits);
                double prefill = Stopwatch.GetElapsedTime(start).TotalSeconds;
                long decodeStart = Stopwatch.GetTimestamp();
                var tokens = new int[profile.WindowSize];
                for (int step = 0; step < tokens.Length; step++)
                {
                    if (cancellation.IsCancellationRequested) return new ProveUntilResult(null, attempts, [.. generated], [.. context]);
                    tokens[step] = sampler.Sample(step, logits, default);
                    if (step + 1 < tokens.Length) Feed(sequence, new[] { tokens[step] }, logits);
                }
                cached = [.. modelPrompt, .. tokens[..^1]];
                attempts = attempt;
                int[] next = [.. modelPrompt, .. tokens];
                continues = next.Length <= cap;
                if (!continues) next = next[^(cap / 2)..]; // the cache no longer matches: the next attempt prefills anew
                context.AddRange(sampler.ModelPrompt.AsSpan(prompt.Length).ToArray()); // the salt
                context.AddRange(tokens);
                generated.AddRange(tokens);
                var stats = new GenerationStats(modelPrompt.Length, tokens.Length, prefill, Stopwatch.GetElapsedTime(decodeStart).TotalSeconds);
                var result = new ProveResult(sampler.ToTranscript(), sampler.Window!, stats);
                if (accept(result.Window)) return new ProveUntilResult(result, attempt, [.. generated], [.. context]);
                prompt = next;
            }
            return new ProveUntilResult(null, attempts, [.. generated], [.. context]);
        }
        finally
        {
            sequence?.Dispose();
        }
    }

    /// <summary>Feeds tokens to the cache in chunks (if asked) and leaves the last position's logits in <paramref name="logits"/>.</summary>
    private void Feed(Sequence sequence, ReadOnlyMemory<int> tokens, float[] logits)
    {
        int chunk = _prefillChunkSize > 0 ? _prefillChunkSize : tokens.Length;
        for (int start = 0; start < tokens.Length; start += chunk)
        {
            int n = Math.Min(chunk, tokens.Length - start);
            bool last = start + n == tokens.Length;
            _transformer.Forward([new ForwardRequest(sequence, tokens.Slice(start, n), last ? LogitsMode.Last : LogitsMode.None, last ? logits : Memory<float>.Empty)]);
        }
    }

    private ProveResult? ProveWindow(int[] prompt, ProofProfile profile, ChainBinding binding, CancellationToken cancellation)
    {
        var sampler = CreateSampler(prompt, profile, binding);
        var result = new Generator(_transformer, _prefillChunkSize).Generate(ToGenerationRequest(sampler, profile), null, cancellation);
        if (result.FinishReason == FinishReason.Cancelled || sampler.Window is null) return null;
        return new ProveResult(sampler.ToTranscript(), sampler.Window, result.Stats);
    }
}
