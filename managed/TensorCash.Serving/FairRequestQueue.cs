namespace TensorCash.Serving;

/// <summary>
/// The requests waiting for a batch slot, scheduled round-robin across clients so that one client flooding the server
/// cannot starve another.
///
/// Design: one FIFO per client (a client is an API key, else a remote address: <see cref="ClientIdentity"/>) and a
/// rotation of the clients that have something waiting. <see cref="TryDequeue"/> takes the oldest request of the
/// client whose turn it is and sends that client to the back of the rotation; a client that arrives joins at the back.
/// So with k clients waiting, each client's oldest request is admitted within k admissions, however many requests
/// the others queued. Within one client the order stays FIFO.
///
/// Two bounds, checked in this order, split the refusals by whose fault they are:
/// - a client with <c>perClient</c> requests waiting gets 429 (<see cref="ApiException.ClientQueueFull"/>): its own
///   traffic is the problem, and it alone is refused;
/// - when <c>total</c> requests wait, all clients together, the next one gets 503 with Retry-After
///   (<see cref="ApiException.Overloaded"/>): the server is overloaded, the client did nothing wrong.
///
/// Not thread-safe: the <see cref="ContinuousBatcher"/> calls it under its lock.
/// </summary>
public sealed class FairRequestQueue<T>(int total, int perClient)
{
    private readonly Dictionary<string, Queue<T>> _byClient = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new(); // clients with something waiting, in the order they are served

    public FairRequestQueue() : this(ServingLimits.MaxQueuedRequests, ServingLimits.MaxQueuedRequestsPerClient) { }

    /// <summary>Requests waiting, all clients together.</summary>
    public int Count { get; private set; }

    public int CountOf(string client) => _byClient.TryGetValue(client, out var queue) ? queue.Count : 0;

    /// <summary>Whether <see cref="Enqueue"/> would refuse <paramref name="client"/> now (429 or 503).</summary>
    public bool IsFullFor(string client) => CountOf(client) >= perClient || Count >= total;

    /// <exception cref="ApiException">429 when <paramref name="client"/> has its share waiting, else 503 when the queue is full.</exception>
    public void Enqueue(string client, T item)
    {
        if (CountOf(client) >= perClient) throw ApiException.ClientQueueFull(perClient);
        if (Count >= total) throw ApiException.Overloaded(total);
        if (!_byClient.TryGetValue(client, out var queue))
        {
            queue = new Queue<T>();
            _byClient.Add(client, queue);
            _turns.Enqueue(client);
        }
        queue.Enqueue(item);
        Count++;
    }

    /// <summary>The oldest request of the client whose turn it is; false when nothing waits.</summary>
    public bool TryDequeue(out T item)
    {
        if (!_turns.TryDequeue(out var client))
        {
            item = default!;
            return false;
        }
        var queue = _byClient[client];
        item = queue.Dequeue();
        Count--;
        if (queue.Count > 0) _turns.Enqueue(client);
        else _byClient.Remove(client);
        return true;
    }

    /// <summary>Removes every waiting request that <paramref name="match"/>es (requests whose client left) and returns them.</summary>
    public List<T> RemoveAll(Predicate<T> match)
    {
        var removed = new List<T>();
        foreach (var (client, queue) in _byClient)
        {
            int before = queue.Count;
            var kept = new Queue<T>();
            foreach (var item in queue)
                if (match(item)) removed.Add(item);
                else kept.Enqueue(item);
            if (kept.Count == before) continue;
            queue.Clear();
            foreach (var item in kept) queue.Enqueue(item);
        }
        Count -= removed.Count;
        if (removed.Count > 0)
        {
            var turns = _turns.Where(c => _byClient[c].Count > 0).ToList();
            foreach (var (client, _) in _byClient.Where(pair => pair.Value.Count == 0).ToList()) _byClient.Remove(client);
            _turns.Clear();
            foreach (var client in turns) _turns.Enqueue(client);
        }
        return removed;
    }
}
