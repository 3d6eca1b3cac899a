using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TensorCash.Engine.Generation;

namespace TensorCash.Serving;

/// <summary>One served request the client allowed to become proof-bearing: what a miner may put in a proof transcript.</summary>
public sealed record ProofCandidate(string RequestId, string Model, int[] PromptTokens, int[] OutputTokens, SamplingOptions Sampling, string TranscriptSha256);

/// <summary>
/// The miner's privacy policy (Appendix D) at the server's edge: a request is private unless it says
/// "tensorcash": {"proof_bearing": true}, and only such requests are ever offered here, so a private prompt can
/// never reach a proof transcript. The miner (`tensorcash node --serve`) takes candidates one at a time, oldest first
/// (<see cref="TryTake"/>), as the prompts of its proof windows. The queue is bounded (<see cref="Capacity"/>); when the
/// miner does not take candidates fast enough (or there is none: plain `tensorcash serve`) the oldest is dropped,
/// never blocking serving. Each step is written to the <see cref="Receipts"/>.
///
/// The receipt a proof-bearing response carries is the SHA-256 of the transcript as queued (model id, sampling
/// settings, prompt and output token ids, all length-prefixed little-endian), so the client can later recognise its
/// request in a published proof. It commits to the transcript; it is not itself a proof.
/// </summary>
public sealed class ProofBearingQueue(ReceiptBook receipts)
{
    public const int Capacity = 1024;
    private readonly Queue<ProofCandidate> _candidates = new();

    public ProofBearingQueue() : this(new ReceiptBook()) { }

    public ReceiptBook Receipts { get; } = receipts;

    public int Count
    {
        get { lock (_candidates) return _candidates.Count; }
    }

    public ProofCandidate Offer(string requestId, string model, int[] prompt, int[] output, SamplingOptions sampling)
    {
        var candidate = new ProofCandidate(requestId, model, prompt, output, sampling, TranscriptHash(model, prompt, output, sampling));
        lock (_candidates)
        {
            if (_candidates.Count == Capacity) Receipts.Set(_candidates.Dequeue().TranscriptSha256, ReceiptStatus.Dropped);
            _candidates.Enqueue(candidate);
            Receipts.Set(candidate.TranscriptSha256, ReceiptStatus.Queued);
        }
        return candidate;
    }

    /// <summary>The miner's side: the oldest candidate, now marked "mining"; null when none waits.</summary>
    public ProofCandidate? TryTake()
    {
        lock (_candidates)
        {
            if (!_candidates.TryDequeue(out var candidate)) return null;
            Receipts.Set(candidate.TranscriptSha256, ReceiptStatus.Mining);
            return candidate;
        }
    }

    public static string TranscriptHash(string model, int[] prompt, int[] output, SamplingOptions sampling)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var word = new byte[8];
        void Int(long v) { BinaryPrimitives.WriteInt64LittleEndian(word, v); hash.AppendData(word); }
        var name = Encoding.UTF8.GetBytes(model);
        Int(name.Length); hash.AppendData(name);
        Int(BitConverter.SingleToInt32Bits(sampling.Temperature)); Int(BitConverter.SingleToInt32Bits(sampling.TopP)); Int(unchecked((long)sampling.Seed));
        Int(prompt.Length); foreach (int t in prompt) Int(t);
        Int(output.Length); foreach (int t in output) Int(t);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
