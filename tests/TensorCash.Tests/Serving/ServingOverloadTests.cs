using System.Text.Json;
using NUnit.Framework;
using TensorCash.Serving;

namespace TensorCash.Tests.Serving;

/// <summary>
/// Overload over HTTP: 429 for a client over its share, 503 with Retry-After when the whole queue is full, both in
/// OpenAI's error shape; and round-robin admission across API keys. Admissions are held so the queue fills exactly.
/// </summary>
[Category("Runtime")]
public sealed class ServingOverloadTests
{
    private static readonly string[] Keys = ["k0", "k1", "k2", "k3", "k4"];
    private TinyServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await TinyServer.Start(Keys);

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [TearDown]
    public void Release() => _server.Host.Batcher.HoldAdmissions = false;

    private static object Completion(int maxTokens, int seed = 1) =>
        new { model = "builtin:tiny", prompt = "overload", max_tokens = maxTokens, temperature = 0.7, seed };

    private async Task WaitForWaiting(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_server.Host.Batcher.WaitingCount != count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{_server.Host.Batcher.WaitingCount} requests wait, expected {count}");
            await Task.Delay(10);
        }
    }

    private static void AssertError(string body, string type, string code)
    {
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
        Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_client_over_its_share_gets_429_and_its_queued_requests_are_served()
    {
        _server.Host.Batcher.HoldAdmissions = true;
        int share = ServingLimits.MaxQueuedRequestsPerClient;
        var queued = Enumerable.Range(0, share).Select(i => _server.PostRaw("v1/completions", Completion(2, i), "k0")).ToList();
        await WaitForWaiting(share);
        var (status, body, retryAfter) = await _server.PostRaw("v1/completions", Completion(2), "k0");
        Assert.That(status, Is.EqualTo(429));
        Assert.That(retryAfter, Is.Null);
        AssertError(body, "rate_limit_error", "client_queue_full");
        Assert.That(queued.Any(t => t.IsCompleted), Is.False, "the queued requests wait");
        Assert.That(_server.Host.Metrics.Requests.WithLabels("429").Value, Is.GreaterThanOrEqualTo(1), "refusals are counted by status");

        _server.Host.Batcher.HoldAdmissions = false;
        Assert.That((await Task.WhenAll(queued)).Select(r => r.Status), Has.All.EqualTo(200));
    }

    [Test]
    public async Task A_full_queue_is_503_with_retry_after_for_a_client_within_its_share()
    {
        _server.Host.Batcher.HoldAdmissions = true;
        int share = ServingLimits.MaxQueuedRequestsPerClient, clients = ServingLimits.MaxQueuedRequests / share;
        var queued = Enumerable.Range(0, clients * share).Select(i => _server.PostRaw("v1/completions", Completion(1, i), Keys[i % clients])).ToList();
        await WaitForWaiting(ServingLimits.MaxQueuedRequests);
        var (status, body, retryAfter) = await _server.PostRaw("v1/completions", Completion(1), Keys[clients]);
        Assert.That(status, Is.EqualTo(503));
        Assert.That(retryAfter, Is.EqualTo(ServingLimits.RetryAfterSeconds));
        AssertError(body, "server_error", "server_overloaded");

        _server.Host.Batcher.HoldAdmissions = false;
        Assert.That((await Task.WhenAll(queued)).Select(r => r.Status), Has.All.EqualTo(200));
    }

    /// <summary>
    /// Key k0 floods 16 requests, then k1 sends one, all held in the queue; once released, the batch takes them
    /// round-robin, so k1's request runs in the first batch and the flooder's 16th waits for a free slot. With
    /// FIFO, k1's request would wait for the whole backlog and finish last.
    /// </summary>
    [Test]
    public async Task A_second_key_is_served_before_the_flooders_backlog_drains()
    {
        object Body() => new { model = "builtin:tiny", prompt = "fair", max_tokens = 300, temperature = 0.7, seed = 5 };
        var (soloStatus, solo) = await _server.Post("v1/completions", Body());
        Assert.That(soloStatus, Is.EqualTo(200));
        Assert.That(solo.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(300), "precondition: every request runs 300 steps");

        _server.Host.Batcher.HoldAdmissions = true;
        var finished = new List<string>();
        async Task Send(string key, int i)
        {
            var (status, _, _) = await _server.PostRaw("v1/completions", Body(), key);
            Assert.That(status, Is.EqualTo(200));
            lock (finished) finished.Add($"{key}#{i}");
        }
        var flood = Enumerable.Range(0, ServingLimits.MaxQueuedRequestsPerClient).Select(i => Send("k0", i)).ToList();
        await WaitForWaiting(ServingLimits.MaxQueuedRequestsPerClient);
        var other = Send("k1", 0);
        await WaitForWaiting(ServingLimits.MaxQueuedRequestsPerClient + 1);
        _server.Host.Batcher.HoldAdmissions = false;
        await Task.WhenAll(flood.Append(other));

        Assert.That(finished[^1], Does.StartWith("k0#"), $"the flooder's last request finishes last: {string.Join(", ", finished)}");
        Assert.That(finished.IndexOf("k1#0"), Is.LessThan(finished.Count - 1));
    }
}
