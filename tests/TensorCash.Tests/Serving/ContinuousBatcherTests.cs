using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Serving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Serving;

[Category("Runtime")]
public sealed class ContinuousBatcherTests
{
    [Test]
    public void A_full_queue_refuses_with_429_and_cancelled_jobs_end()
    {
        using var tiny = new BuiltinTiny();
        using var cancel = new CancellationTokenSource();
        var accepted = new List<ServingJob>();
        int refused = 0;
        using (var batcher = new ContinuousBatcher(tiny.Transformer, new ServingMetrics()))
        {
            for (int i = 0; i < 200; i++)
            {
                try
                {
                    accepted.Add(batcher.Submit(new GenerationRequest(new[] { BuiltinTiny.Bos, i % 200 }, new StandardSampler(SamplingOptions.Greedy), 1500), cancel.Token));
                }
                catch (ApiException e)
                {
                    Assert.That(e.Status, Is.EqualTo(429));
                    refused++;
                }
            }
            // Between the queue bound alone (no job admitted yet) and the queue plus a full batch.
            Assert.That(accepted.Count, Is.InRange(ServingLimits.MaxQueuedRequests, ServingLimits.MaxQueuedRequests + ServingLimits.MaxBatchSize));
            Assert.That(refused, Is.EqualTo(200 - accepted.Count));
            cancel.Cancel();
        } // Dispose waits for the engine loop to drain
        Assert.That(accepted.Select(j => j.Finish), Has.All.EqualTo(FinishReason.Cancelled));
        foreach (var job in accepted) while (job.Tokens.TryRead(out _)) { }
        Assert.That(accepted.Select(j => j.Tokens.Completion.IsCompleted), Has.All.True, "every token channel is closed");
    }

    [Test]
    public void A_request_that_does_not_fit_the_context_is_refused_before_queueing()
    {
        using var tiny = new BuiltinTiny();
        using var batcher = new ContinuousBatcher(tiny.Transformer, new ServingMetrics());
        var e = Assert.Throws<ApiException>(() => batcher.Submit(new GenerationRequest(new[] { BuiltinTiny.Bos }, new StandardSampler(SamplingOptions.Greedy), 4096), default));
        Assert.That(e!.Status, Is.EqualTo(400));
        Assert.That(e.Code, Is.EqualTo("context_length_exceeded"));
    }
}
