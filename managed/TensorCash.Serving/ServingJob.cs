using System.Diagnostics;
using System.Threading.Channels;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;

namespace TensorCash.Serving;

/// <summary>
/// One request inside the <see cref="ContinuousBatcher"/>: its KV cache, its prompt + generated tokens, its logits
/// buffer, and the channel the engine loop writes each sampled token to. Only the engine thread touches the cache
/// and buffers; the HTTP handler only reads <see cref="Tokens"/> and, after the channel completes, <see cref="Finish"/>.
/// </summary>
public sealed class ServingJob
{
    private readonly int[] _context;
    private readonly float[] _logits;
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private Sequence? _sequence;
    private int _length;
    private int _promptFed;

    internal ServingJob(GenerationRequest request, int vocab, CancellationToken cancellation)
    {
        Request = request;
        Cancellation = cancellation;
        PromptLength = request.Prompt.Length;
        _context = new int[PromptLength + request.MaxTokens];
        request.Prompt.Span.CopyTo(_context);
        _length = PromptLength;
        _logits = new float[vocab];
        Submitted = Stopwatch.GetTimestamp();
    }

    public GenerationRequest Request { get; }
    public int PromptLength { get; }
    public CancellationToken Cancellation { get; }
    /// <summary>Stopwatch timestamp of submission; time to first token is measured from here, queueing included.</summary>
    public long Submitted { get; }
    /// <summary>Each generated token, in order; completes when the job finishes, with the engine's exception if it failed.</summary>
    public ChannelReader<int> Tokens => _tokens.Reader;
    /// <summary>Why the job ended; set before <see cref="Tokens"/> completes.</summary>
    public FinishReason? Finish { get; private set; }
    public int GeneratedCount => _length - PromptLength;
    /// <summary>Set when the engine admits the job into the batch: 0 for the first job it admitted, then 1, 2, ... (-1 before).</summary>
    public long AdmissionOrder { get; internal set; } = -1;

    /// <summary>Positions the cache must hold: the prompt and every generated token except the last, which is never fed back.</summary>
    internal static long CacheTokens(GenerationRequest request) => request.Prompt.Length + Math.Max(request.MaxTokens - 1, 0L);

    internal void Start(Transformer transformer) => _sequence = transformer.NewSequence(checked((int)CacheTokens(Request)));

    internal ForwardRequest NextForward()
    {
        if (_promptFed < PromptLength)
        {
            int n = Math.Min(ServingLimits.PrefillChunkTokens, PromptLength - _promptFed);
            var tokens = _context.AsMemory(_promptFed, n);
            _promptFed += n;
            return _promptFed == PromptLength
                ? new ForwardRequest(_sequence!, tokens, LogitsMode.Last, _logits)
                : new ForwardRequest(_sequence!, tokens, LogitsMode.None, Memory<float>.Empty);
        }
        return new ForwardRequest(_sequence!, _context.AsMemory(_length - 1, 1), LogitsMode.Last, _logits);
    }

    /// <summary>Samples from the logits the last forward pass wrote, publishes the token, and ends the job at a stop token or the limit.</summary>
    internal int SampleNext()
    {
        int step = _length - PromptLength;
        int token = Request.Sampler.Sample(step, _logits, _context.AsSpan(0, _length));
        if ((uint)token >= (uint)_logits.Length)
            throw new InvalidOperationException($"sampler returned token {token}, outside the vocabulary [0, {_logits.Length})");
        _context[_length++] = token;
        _tokens.Writer.TryWrite(token);
        if (Request.StopTokens?.Contains(token) == true) End(FinishReason.StopToken);
        else if (step + 1 == Request.MaxTokens) End(FinishReason.MaxTokens);
        return token;
    }

    internal void End(FinishReason reason, Exception? error = null)
    {
        if (Finish is not null) return;
        Finish = reason;
        _sequence?.Dispose();
        _sequence = null;
        _tokens.Writer.TryComplete(error);
    }
}
