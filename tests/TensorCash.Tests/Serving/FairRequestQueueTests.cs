using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Serving;

namespace TensorCash.Tests.Serving;

public sealed class FairRequestQueueTests
{
    private static List<string> DrainAll(FairRequestQueue<string> queue)
    {
        var order = new List<string>();
        while (queue.TryDequeue(out var item)) order.Add(item);
        return order;
    }

    [Test]
    public void Clients_take_turns_in_order_of_arrival_and_each_keeps_its_own_order()
    {
        var queue = new FairRequestQueue<string>(64, 16);
        foreach (var item in new[] { "a1", "a2", "a3", "a4" }) queue.Enqueue("a", item);
        queue.Enqueue("b", "b1");
        queue.Enqueue("c", "c1");
        queue.Enqueue("b", "b2");
        Assert.That(DrainAll(queue), Is.EqualTo(new[] { "a1", "b1", "c1", "a2", "b2", "a3", "a4" }));
        Assert.That(queue.Count, Is.Zero);
    }

    [Test]
    public void A_client_that_arrives_later_joins_the_back_of_the_rotation()
    {
        var queue = new FairRequestQueue<string>(64, 16);
        queue.Enqueue("a", "a1");
        queue.Enqueue("a", "a2");
        queue.Enqueue("b", "b1");
        Assert.That(queue.TryDequeue(out var first) ? first : null, Is.EqualTo("a1"));
        queue.Enqueue("c", "c1"); // arrives while b has the turn and a waits behind it
        Assert.That(DrainAll(queue), Is.EqualTo(new[] { "b1", "a2", "c1" }));
    }

    [Test]
    public void A_client_over_its_share_gets_429_and_a_full_queue_503_with_retry_after()
    {
        var queue = new FairRequestQueue<string>(total: 5, perClient: 2);
        queue.Enqueue("a", "a1");
        queue.Enqueue("a", "a2");
        var share = Assert.Throws<ApiException>(() => queue.Enqueue("a", "a3"));
        Assert.That((share!.Status, share.Type, share.Code, share.RetryAfterSeconds), Is.EqualTo((429, "rate_limit_error", "client_queue_full", (int?)null)));
        Assert.That(share.Message, Does.Contain("2 requests waiting"));

        queue.Enqueue("b", "b1");
        queue.Enqueue("b", "b2");
        queue.Enqueue("c", "c1");
        var full = Assert.Throws<ApiException>(() => queue.Enqueue("d", "d1"));
        Assert.That((full!.Status, full.Type, full.Code, full.RetryAfterSeconds), Is.EqualTo((503, "server_error", "server_overloaded", (int?)ServingLimits.RetryAfterSeconds)));
        Assert.That(queue.Count, Is.EqualTo(5), "refused requests are not queued");
        Assert.That(queue.CountOf("d"), Is.Zero);
    }

    [Test]
    public void Removing_requests_frees_the_share_and_keeps_the_rotation()
    {
        var queue = new FairRequestQueue<string>(64, 2);
        queue.Enqueue("a", "a1-gone");
        queue.Enqueue("a", "a2");
        queue.Enqueue("b", "b1-gone");
        queue.Enqueue("c", "c1");
        Assert.That(queue.RemoveAll(item => item.EndsWith("-gone")), Is.EquivalentTo(new[] { "a1-gone", "b1-gone" }));
        Assert.That((queue.Count, queue.CountOf("a"), queue.CountOf("b")), Is.EqualTo((2, 1, 0)));
        queue.Enqueue("a", "a3");
        Assert.That(DrainAll(queue), Is.EqualTo(new[] { "a2", "c1", "a3" }));
    }

    /// <summary>
    /// Whatever is queued up front, the order served is round by round: in round r every client that has more than
    /// r requests gets its r-th, clients in order of their first request. No client waits behind another's backlog.
    /// </summary>
    [Test]
    public void Requests_queued_up_front_are_served_in_rounds()
    {
        var arrivals = Gen.Choose(0, 4).ArrayOf(); // the client of each request, in arrival order
        Prop.ForAll(arrivals.ToArbitrary(), clients =>
        {
            var queue = new FairRequestQueue<string>(1000, 1000);
            for (int i = 0; i < clients.Length; i++) queue.Enqueue($"c{clients[i]}", $"c{clients[i]}#{clients.Take(i).Count(c => c == clients[i])}");
            var firstSeen = clients.Distinct().ToList();
            var expected = new List<string>();
            for (int round = 0; expected.Count < clients.Length; round++)
                foreach (int c in firstSeen)
                    if (clients.Count(x => x == c) > round) expected.Add($"c{c}#{round}");
            return DrainAll(queue).SequenceEqual(expected);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
