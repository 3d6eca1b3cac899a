using System.Diagnostics;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;

namespace TensorCash.Serving;

/// <summary>
/// Continuous batching: one engine thread owns the transformer and runs steps. Before each step, waiting requests
/// join the running batch up to <see cref="ServingLimits.MaxBatchSize"/>, taken round-robin across clients
/// (<see cref="FairRequestQueue{T}"/>: FIFO within a client, so a flooding client cannot starve the others); one forward pass then advances every running sequence by one prompt
/// chunk or one generated token; a sequence that finished, or whose client went away, leaves the batch at once and
/// frees its cache, so its slot is taken by the next waiting request on the next step.
///
/// Why outputs do not depend on the traffic: the native backend computes each sequence's logits with the same
/// reduction order whatever else is in the forward pass (batch invariance), and each request samples with its own
/// seeded sampler over its own logits. A response is therefore bit for bit the one the same request gets alone;
/// the tests check this under concurrency.
///
/// The waiting queue is bounded, per client (429 beyond <see cref="ServingLimits.MaxQueuedRequestsPerClient"/>) and in
/// all (503 beyond <see cref="ServingLimits.MaxQueuedRequests"/>), instead of growing memory and latency without end.
/// </summary>
public sealed class ContinuousBatcher : IDisposable
{
    private readonly Transformer _transformer;
    private readonly ServingMetrics _metrics;
    private readonly object _lock = new();
    private readonly FairRequestQueue<ServingJob> _waiting = new();
    private readonly List<ServingJob> _running = [];
    private readonly Thread _thread;
    private bool _stopping;
    private bool _holdAdmissions;
    private long _admitted;

    public ContinuousBatcher(Transformer transformer, ServingMetrics metrics)
    {
        _transformer = transformer;
        _metrics = metrics;
        _thread = new Thread(Loop) { IsBackground = true, Name = "tensorcash-engine" };
        _thread.Start();
    }

    /// <summary>
    /// Tests only: while true the engine admits no waiting request, so a test can fill the queue exactly. Running
    /// requests go on.
    /// </summary>
    internal bool HoldAdmissions
    {
        set
        {
            lock (_lock)
            {
                _holdAdmissions = value;
                Monitor.Pulse(_lock);
            }
        }
    }

    /// <summary>Requests waiting for a batch slot now.</summary>
    public int WaitingCount
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>
    /// Queues a request of <paramref name="client"/> (see <see cref="ClientIdentity"/>); throws <see cref="ApiException"/>:
    /// 429 when that client has its share waiting, 503 when the whole queue is full or the server is stopping.
    /// </summary>
    public ServingJob Submit(GenerationRequest request, string client, CancellationToken cancellation)
    {
        var config = _transformer.Config;
        if (request.Prompt.IsEmpty) throw ApiException.Invalid("the prompt encodes to no tokens", "prompt");
        foreach (int id in request.Prompt.Span)
            if ((uint)id >= (uint)config.VocabSize)
                throw ApiException.Invalid($"prompt token {id} is outside the model's vocabulary [0, {config.VocabSize})", "prompt");
        if (request.MaxTokens < 1) throw ApiException.Invalid("max_tokens must be >= 1", "max_tokens");
        if (ServingJob.CacheTokens(request) > config.MaxSequenceLength)
            throw ApiException.Invalid($"{request.Prompt.Length} prompt tokens + max_tokens {request.MaxTokens} exceed the model's context of {config.MaxSequenceLength} tokens",
                "max_tokens", "context_length_exceeded");

        var job = new ServingJob(request, config.VocabSize, cancellation);
        lock (_lock)
        {
            if (_stopping) throw ApiException.ShuttingDown();
            if (_waiting.IsFullFor(client))
                foreach (var gone in _waiting.RemoveAll(j => j.Cancellation.IsCancellationRequested)) gone.End(FinishReason.Cancelled); // departed clients hold no share
            _waiting.Enqueue(client, job);
            _metrics.QueueDepth.Set(_waiting.Count);
            Monitor.Pulse(_lock);
        }
        return job;
    }

    private void Loop()
    {
        var forward = new ForwardRequest[ServingLimits.MaxBatchSize];
        var stepping = new ServingJob[ServingLimits.MaxBatchSize];
        while (true)
        {
            lock (_lock)
            {
                while ((!_holdAdmissions || _stopping) && _running.Count < ServingLimits.MaxBatchSize && _waiting.TryDequeue(out var job))
                {
                    if (job.Cancellation.IsCancellationRequested) { job.End(FinishReason.Cancelled); continue; }
                    try
                    {
                        job.AdmissionOrder = _admitted++;
                        job.Start(_transformer);
                        _running.Add(job);
                    }
                    catch (Exception e) // e.g. the cache cannot be allocated: this request fails, the others go on
                    {
                        job.End(FinishReason.Cancelled, e);
                    }
                }
                _metrics.QueueDepth.Set(_waiting.Count);
                if (_running.Count == 0)
                {
                    if (_stopping) return;
                    Monitor.Wait(_lock);
                    continue;
                }
            }

            int count = 0;
            foreach (var job in _running)
            {
                if (job.Cancellation.IsCancellationRequested) { job.End(FinishReason.Cancelled); continue; }
                forward[count] = job.NextForward();
                stepping[count++] = job;
            }
            if (count > 0) Step(forward, stepping, count);
            Array.Clear(forward, 0, count);
            Array.Clear(stepping, 0, count);
            lock (_lock) _running.RemoveAll(j => j.Finish is not null);
        }
    }

    private void Step(ForwardRequest[] forward, ServingJob[] stepping, int count)
    {
        _metrics.BatchSize.Observe(count);
        try
        {
            _transformer.Forward(forward.AsSpan(0, count));
            for (int b = 0; b < count; b++)
            {
                var job = stepping[b];
                if (forward[b].Mode != LogitsMode.Last) continue; // a prompt chunk before the last
                if (job.GeneratedCount == 0) _metrics.TimeToFirstToken.Observe(Stopwatch.GetElapsedTime(job.Submitted).TotalSeconds);
                job.SampleNext();
                _metrics.GeneratedTokens.Inc();
            }
        }
        catch (Exception e) // a backend failure ends this step's requests with the error; the server keeps serving
        {
            for (int b = 0; b < count; b++) stepping[b].End(FinishReason.Cancelled, e);
        }
    }

    /// <summary>Refuses new requests, lets the running and queued ones finish, and stops the engine thread.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }
        _thread.Join();
    }
}
