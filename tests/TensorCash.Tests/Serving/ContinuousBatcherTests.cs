using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Serving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Serving;

/// <summary>
/// The engine loop's queue bounds (429 per client, 503 in all and at shutdown) and its round-robin admission. The
/// tests hold admissions (<see cref="ContinuousBatcher.HoldAdmissions"/>) so the queue fills exactly.
/// </summary>
[Category("Runtime")]
public sealed class ContinuousBatcherTests
{
    private BuiltinTiny _tiny = null!;

    [OneTimeSetUp]
    public void Load() => _tiny = new BuiltinTiny();

    [OneTimeTearDown]
    public void Unload() => _tiny.Dispose();

    private static GenerationRequest Request(int maxTokens, int variant = 0) =>
        new(new[] { BuiltinTiny.Bos, 40 + variant }, new StandardSampler(SamplingOptions.Greedy), maxTokens);

    [Test]
    public void One_client_beyond_its_share_gets_429_and_the_others_are_still_admitted()
    {
        using var cancel = new CancellationTokenSource();
        var accepted = new List<ServingJob>();
        using (var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics()) { HoldAdmissions = true })
        {
            for (int i = 0; i < ServingLimits.MaxQueuedRequestsPerClient; i++) accepted.Add(batcher.Submit(Request(1500), "flooder", cancel.Token));
            for (int i = 0; i < 5; i++)
            {
                var e = Assert.Throws<ApiException>(() => batcher.Submit(Request(1500), "flooder", cancel.Token));
                Assert.That((e!.Status, e.Type, e.Code, e.RetryAfterSeconds), Is.EqualTo((429, "rate_limit_error", "client_queue_full", (int?)null)));
            }
            accepted.Add(batcher.Submit(Request(1500), "other", cancel.Token)); // the queue has room for another client
            Assert.That(batcher.WaitingCount, Is.EqualTo(ServingLimits.MaxQueuedRequestsPerClient + 1));
            cancel.Cancel();
        } // Dispose lets the engine drain: every job ends, cancelled
        Assert.That(accepted.Select(j => j.Finish), Has.All.EqualTo(FinishReason.Cancelled));
        foreach (var job in accepted) while (job.Tokens.TryRead(out _)) { }
        Assert.That(accepted.Select(j => j.Tokens.Completion.IsCompleted), Has.All.True, "every token channel is closed");
    }

    [Test]
    public void A_full_queue_refuses_a_client_within_its_share_with_503_and_retry_after()
    {
        using var cancel = new CancellationTokenSource();
        using var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics()) { HoldAdmissions = true };
        int clients = ServingLimits.MaxQueuedRequests / ServingLimits.MaxQueuedRequestsPerClient;
        for (int c = 0; c < clients; c++)
            for (int i = 0; i < ServingLimits.MaxQueuedRequestsPerClient; i++) batcher.Submit(Request(8), $"client{c}", cancel.Token);
        var e = Assert.Throws<ApiException>(() => batcher.Submit(Request(8), "newcomer", cancel.Token));
        Assert.That((e!.Status, e.Type, e.Code, e.RetryAfterSeconds), Is.EqualTo((503, "server_error", "server_overloaded", (int?)ServingLimits.RetryAfterSeconds)));
        var share = Assert.Throws<ApiException>(() => batcher.Submit(Request(8), "client0", cancel.Token));
        Assert.That(share!.Status, Is.EqualTo(429), "a client over its share is told so even when the queue is also full");
        cancel.Cancel();
    }

    [Test]
    public void Requests_of_departed_clients_free_their_share()
    {
        using var gone = new CancellationTokenSource();
        using var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics()) { HoldAdmissions = true };
        var left = Enumerable.Range(0, ServingLimits.MaxQueuedRequestsPerClient).Select(_ => batcher.Submit(Request(8), "c", gone.Token)).ToList();
        gone.Cancel();
        using var stays = new CancellationTokenSource();
        var job = batcher.Submit(Request(2), "c", stays.Token);
        Assert.That(left.Select(j => j.Finish), Has.All.EqualTo(FinishReason.Cancelled));
        batcher.HoldAdmissions = false;
        Assert.That(job.Tokens.ReadAllAsync().ToBlockingEnumerable().Count(), Is.EqualTo(2));
    }

    [Test]
    public void A_stopping_server_refuses_with_503_shutting_down()
    {
        var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics());
        batcher.Dispose();
        var e = Assert.Throws<ApiException>(() => batcher.Submit(Request(1), "c", default));
        Assert.That((e!.Status, e.Code, e.RetryAfterSeconds), Is.EqualTo((503, "shutting_down", (int?)ServingLimits.RetryAfterSeconds)));
    }

    /// <summary>
    /// A flooder's 16 requests wait, then one request of another client: the batch (16 slots) takes them round-robin,
    /// so the other client's request is the second admitted, and the flooder's last waits for a free slot. FIFO would
    /// have admitted it 17th, after the whole backlog.
    /// </summary>
    [Test]
    public void A_second_client_is_admitted_before_the_flooders_backlog_drains()
    {
        using var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics()) { HoldAdmissions = true };
        var flood = Enumerable.Range(0, ServingLimits.MaxQueuedRequestsPerClient).Select(i => batcher.Submit(Request(6, i), "key:0", default)).ToList();
        var other = batcher.Submit(Request(6, 99), "key:1", default);
        batcher.HoldAdmissions = false;
        foreach (var job in flood.Append(other)) _ = job.Tokens.ReadAllAsync().ToBlockingEnumerable().Count();

        Assert.That(other.AdmissionOrder, Is.EqualTo(1));
        Assert.That(flood.Select(j => j.AdmissionOrder), Is.EqualTo(new long[] { 0 }.Concat(Enumerable.Range(2, ServingLimits.MaxBatchSize - 1).Select(i => (long)i))),
            "the flooder's requests keep their own order");
        Assert.That(flood[^1].AdmissionOrder, Is.GreaterThan(other.AdmissionOrder));
    }

    [Test]
    public void A_request_that_does_not_fit_the_context_is_refused_before_queueing()
    {
        using var batcher = new ContinuousBatcher(_tiny.Transformer, new ServingMetrics());
        var e = Assert.Throws<ApiException>(() => batcher.Submit(new GenerationRequest(new[] { BuiltinTiny.Bos }, new StandardSampler(SamplingOptions.Greedy), 4096), "c", default));
        Assert.That(e!.Status, Is.EqualTo(400));
        Assert.That(e.Code, Is.EqualTo("context_length_exceeded"));
    }
}
