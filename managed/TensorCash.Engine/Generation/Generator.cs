using System.Diagnostics;
using TensorCash.Engine.Runtime;

namespace TensorCash.Engine.Generation;

/// <summary>
/// Runs prompts through a <see cref="Transformer"/>: prefill (whole prompt, or chunks of
/// <see cref="PrefillChunkSize"/> tokens, with logits only for the last position), then one token at a
/// time until a stop token or the token limit. Several requests are advanced together with one
/// Forward call per step; a finished sequence drops out of the batch and frees its cache. The
/// backend guarantees a request's logits do not depend on what it was batched with, so batching
/// changes speed, never output. Not thread-safe (neither is the transformer).
/// </summary>
public sealed class Generator
{
    private readonly Transformer _transformer;

    /// <param name="prefillChunkSize">Prompt tokens per prefill forward pass; 0 = the whole prompt at once.</param>
    public Generator(Transformer transformer, int prefillChunkSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefillChunkSize);
        _transformer = transformer;
        PrefillChunkSize = prefillChunkSize;
    }

    public int PrefillChunkSize { get; }

    /// <summary>Generates for one prompt; <paramref name="onToken"/> sees each token as soon as it is sampled.</summary>
    public GenerationResult Generate(GenerationRequest request, Action<int>? onToken = null, CancellationToken cancellation = default) =>
        GenerateBatch([request], onToken is null ? null : (_, token) => onToken(token), cancellation)[0];

    /// <summary>
    /// Generates for every request, advancing all unfinished ones with one Forward call per step.
    /// <paramref name="onToken"/> receives (request index, token id) as each token is sampled.
    /// </summary>
    public IReadOnlyList<GenerationResult> GenerateBatch(IReadOnlyList<GenerationRequest> requests, Action<int, int>? onToken = null,
        CancellationToken cancellation = default)
    {
        var config = _transformer.Config;
        for (int i = 0; i < requests.Count; i++) Validate(requests[i], i, config.VocabSize, config.MaxSequenceLength);

        var states = new SequenceState[requests.Count];
        try
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < states.Length; i++) states[i] = new SequenceState(_transformer, requests[i], i, config.VocabSize, start);

            var batch = new ForwardRequest[states.Length];
            var batchStates = new SequenceState[states.Length];
            while (true)
            {
                int count = 0;
                foreach (var state in states)
                {
                    if (state.Finish is not null) continue;
                    if (cancellation.IsCancellationRequested) { state.Stop(FinishReason.Cancelled); continue; }
                    batch[count] = state.NextForward(PrefillChunkSize);
                    batchStates[count++] = state;
                }
                if (count == 0) break;

                _transformer.Forward(batch.AsSpan(0, count));

                for (int b = 0; b < count; b++)
                {
                    var state = batchStates[b];
                    if (batch[b].Mode != LogitsMode.Last) continue; // a prompt chunk before the last
                    int token = state.SampleNext();
                    onToken?.Invoke(state.Index, token);
                }
                Array.Clear(batch, 0, count); // drop references to finished sequences' buffers
            }
            return states.Select(s => s.ToResult()).ToArray();
        }
        finally
        {
            foreach (var state in states) state?.Dispose();
        }
    }

    private static void Validate(GenerationRequest request, int index, int vocab, int maxSequence)
    {
        string which = $"request {index}";
        if (request.Prompt.IsEmpty) throw new ArgumentException($"{which}: the prompt has no tokens; the model needs at least one (e.g. BOS)");
        if (request.MaxTokens < 0) throw new ArgumentException($"{which}: max tokens must be >= 0 (got {request.MaxTokens})");
        var prompt = request.Prompt.Span;
        for (int i = 0; i < prompt.Length; i++)
            if ((uint)prompt[i] >= (uint)vocab)
                throw new ArgumentException($"{which}: prompt token {i} is {prompt[i]}, outside the vocabulary [0, {vocab})");
        long needed = SequenceState.CacheTokens(request);
        if (needed > maxSequence)
            throw new ArgumentException($"{which}: {prompt.Length} prompt tokens + {request.MaxTokens} new tokens exceed the model's context of {maxSequence} tokens");
    }

    /// <summary>One request's progress: its cache, its prompt + generated tokens, its logits buffer, its clock.</summary>
    private sealed class SequenceState : IDisposable
    {
        private readonly GenerationRequest _request;
        private readonly int _promptLength;
        private readonly int[] _context;
        private readonly float[] _logits;
        private readonly long _start;
        private Sequence? _sequence;
        private int _length;     // tokens in _context (prompt + generated)
        private int _promptFed;  // prompt tokens already sent to the model
        private long _firstToken, _lastToken;

        public SequenceState(Transformer transformer, GenerationRequest request, int index, int vocab, long start)
        {
            _request = request;
            _promptLength = request.Prompt.Length;
            _context = new int[_promptLength + request.MaxTokens];
            request.Prompt.Span.CopyTo(_context);
            _length = _promptLength;
            _logits = new float[vocab];
            _start = start;
            Index = index;
            if (request.MaxTokens == 0) Finish = FinishReason.MaxTokens;
            else _sequence = transformer.NewSequence(checked((int)CacheTokens(request)));
        }

        public int Index { get; }
        public FinishReason? Finish { get; private set; }

        /// <summary>Positions the cache must hold: the prompt and every generated token except the last, which is never fed back.</summary>
        public static long CacheTokens(GenerationRequest request) => request.Prompt.Length + Math.Max(request.MaxTokens - 1, 0L);

        public ForwardRequest NextForward(int chunkSize)
        {
            if (_promptFed < _promptLength)
            {
                int remaining = _promptLength - _promptFed;
                int n = chunkSize == 0 ? remaining : Math.Min(chunkSize, remaining);
                var tokens = _context.AsMemory(_promptFed, n);
                _promptFed += n;
                return _promptFed == _promptLength
                    ? new ForwardRequest(_sequence!, tokens, LogitsMode.Last, _logits)
                    : new ForwardRequest(_sequence!, tokens, LogitsMode.None, Memory<float>.Empty);
            }
            return new ForwardRequest(_sequence!, _context.AsMemory(_length - 1, 1), LogitsMode.Last, _logits);
        }

        public int SampleNext()
        {
            int step = _length - _promptLength;
            int token = _request.Sampler.Sample(step, _logits, _context.AsSpan(0, _length));
            if ((uint)token >= (uint)_logits.Length)
                throw new InvalidOperationException($"sampler {_request.Sampler.GetType().Name} returned token {token}, outside the vocabulary [0, {_logits.Length})");
            _context[_length++] = token;

            long now = Stopwatch.GetTimestamp();
            if (step == 0) _firstToken = now;
            _lastToken = now;

            if (_request.StopTokens?.Contains(token) == true) Stop(FinishReason.StopToken);
            else if (step + 1 == _request.MaxTokens) Stop(FinishReason.MaxTokens);
            return token;
        }

        public void Stop(FinishReason reason)
        {
            Finish = reason;
            Dispose();
        }

        public GenerationResult ToResult()
        {
            int generated = _length - _promptLength;
            double prefill = generated > 0 ? Stopwatch.GetElapsedTime(_start, _firstToken).TotalSeconds : 0;
            double decode = generated > 1 ? Stopwatch.GetElapsedTime(_firstToken, _lastToken).TotalSeconds : 0;
            return new GenerationResult(_context.AsSpan(_promptLength, generated).ToArray(), Finish ?? FinishReason.Cancelled,
                new GenerationStats(_promptLength, generated, prefill, decode));
        }

        public void Dispose()
        {
            _sequence?.Dispose();
            _sequence = null;
        }
    }
}
