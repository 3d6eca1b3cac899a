using Prometheus;

namespace TensorCash.Serving;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (so two servers in one process, as in the tests, do
/// not share counters), exported on GET /metrics. Tokens per second is rate(tensorcash_generated_tokens_total);
/// joules per token, where RAPL is readable, is rate(tensorcash_rapl_energy_joules_total) over the same.
/// </summary>
public sealed class ServingMetrics
{
    public ServingMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        GeneratedTokens = factory.CreateCounter("tensorcash_generated_tokens_total", "Tokens generated for clients.");
        Requests = factory.CreateCounter("tensorcash_requests_total", "Completion requests answered, by HTTP status.", "status");
        QueueDepth = factory.CreateGauge("tensorcash_queue_depth", "Requests waiting for a batch slot.");
        BatchSize = factory.CreateHistogram("tensorcash_batch_size", "Sequences advanced by one forward pass.",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32] });
        TimeToFirstToken = factory.CreateHistogram("tensorcash_time_to_first_token_seconds", "From a request's arrival to its first generated token.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        if (RaplEnergy.TryOpen() is { } rapl)
        {
            var joules = factory.CreateGauge("tensorcash_rapl_energy_joules_total", "CPU package energy from /sys/class/powercap (RAPL) since the server started.");
            Registry.AddBeforeCollectCallback(() => joules.Set(rapl.JoulesSinceStart()));
        }
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public Counter GeneratedTokens { get; }
    public Counter Requests { get; }
    public Gauge QueueDepth { get; }
    public Histogram BatchSize { get; }
    public Histogram TimeToFirstToken { get; }
}
