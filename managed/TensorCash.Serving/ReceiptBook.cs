namespace TensorCash.Serving;

/// <summary>Where a proof-bearing request stands with the miner.</summary>
public enum ReceiptStatus
{
    /// <summary>Waiting in the <see cref="ProofBearingQueue"/> for the miner.</summary>
    Queued,
    /// <summary>The miner took the prompt and is generating proof windows on it.</summary>
    Mining,
    /// <summary>The miner finished with it; <see cref="Receipt.Blocks"/> lists the blocks that carried it (none if no window won).</summary>
    Done,
    /// <summary>The queue overflowed before a miner took it (no miner, or one slower than the traffic).</summary>
    Dropped,
}

/// <summary>A block this node mined whose proof transcript carries the request's prompt.</summary>
public sealed record ReceiptBlock(string Hash, int Height);

/// <summary>One receipt as GET /v1/receipts/{hash} reports it.</summary>
public sealed record Receipt(string TranscriptSha256, ReceiptStatus Status, IReadOnlyList<ReceiptBlock> Blocks);

/// <summary>
/// The receipts of proof-bearing requests (Appendix D: "a proof-bearing response returns a receipt: the transcript
/// hash, and later the block if it won"), keyed by the transcript hash the response returned. The queue records
/// "queued", "mining" and "dropped"; the node's miner records the blocks and "done". Identical requests (same model,
/// sampling, seed, prompt and output) share one hash and so one receipt.
///
/// Bounded at <see cref="ServingLimits.MaxReceipts"/>, the oldest forgotten first (then 404). Whether a block is still
/// on the active chain is asked when the receipt is read (<c>isOnActiveChain</c>), since a reorganisation can
/// remove it; without a chain (plain `tensorcash serve`) it is unknown (null).
/// </summary>
public sealed class ReceiptBook(Func<string, int, bool>? isOnActiveChain = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    private sealed class Entry
    {
        public ReceiptStatus Status;
        public readonly List<ReceiptBlock> Blocks = [];
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>Sets the status, adding the receipt if it is new.</summary>
    public void Set(string transcriptSha256, ReceiptStatus status)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(transcriptSha256, out var entry))
            {
                if (_entries.Count == ServingLimits.MaxReceipts) _entries.Remove(_order.Dequeue());
                entry = new Entry();
                _entries.Add(transcriptSha256, entry);
                _order.Enqueue(transcriptSha256);
            }
            entry.Status = status;
        }
    }

    /// <summary>Records a block carrying the request; ignored for a hash this book does not hold (another job's block).</summary>
    public void AddBlock(string transcriptSha256, ReceiptBlock block)
    {
        lock (_lock)
            if (_entries.TryGetValue(transcriptSha256, out var entry) && !entry.Blocks.Contains(block)) entry.Blocks.Add(block);
    }

    /// <summary>Marks a receipt the miner finished with; ignored for a hash this book does not hold.</summary>
    public void Done(string transcriptSha256)
    {
        lock (_lock)
            if (_entries.TryGetValue(transcriptSha256, out var entry)) entry.Status = ReceiptStatus.Done;
    }

    public Receipt? Find(string transcriptSha256)
    {
        lock (_lock)
            return _entries.TryGetValue(transcriptSha256, out var entry) ? new Receipt(transcriptSha256, entry.Status, entry.Blocks.ToArray()) : null;
    }

    /// <summary>The JSON body of GET /v1/receipts/{hash}.</summary>
    public object ToJson(Receipt receipt) => new
    {
        @object = "tensorcash.receipt",
        transcript_sha256 = receipt.TranscriptSha256,
        status = receipt.Status.ToString().ToLowerInvariant(),
        blocks = receipt.Blocks.Select(b => new { hash = b.Hash, height = b.Height, in_active_chain = isOnActiveChain?.Invoke(b.Hash, b.Height) }).ToArray(),
    };
}
