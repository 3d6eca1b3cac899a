using TensorCash.Engine.Tokenization;

namespace TensorCash.Train;

/// <summary>
/// A split of the corpus as one token stream: each document (chapter) is BOS + text + EOS, concatenated. Training
/// batches are windows at offsets drawn from a Random seeded by (seed, step) alone, so any step's batch can be
/// rebuilt without replaying the ones before it (which is what makes --resume exact).
/// </summary>
public sealed class TokenStream
{
    public int[] Tokens { get; }

    public TokenStream(IEnumerable<string> documents, BpeTokenizer tokenizer, int eosId)
    {
        var all = new List<int>();
        foreach (var doc in documents)
        {
            all.AddRange(tokenizer.Encode(doc, addSpecialTokens: true));
            all.Add(eosId);
        }
        Tokens = all.ToArray();
    }

    /// <summary>[batch * (window + 1)] ids for one step: inputs are [.., :window], targets [.., 1:].</summary>
    public long[] TrainingBatch(ulong seed, int step, int batch, int window)
    {
        var rng = new Random(StepSeed(seed, step));
        var ids = new long[batch * (window + 1)];
        for (int b = 0; b < batch; b++)
        {
            int start = rng.Next(0, Tokens.Length - window - 1);
            for (int t = 0; t <= window; t++) ids[b * (window + 1) + t] = Tokens[start + t];
        }
        return ids;
    }

    // Not HashCode.Combine: that is salted per process. SplitMix64's finaliser of (seed, step).
    private static int StepSeed(ulong seed, int step)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(step + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFF_FFFF);
    }

    /// <summary>Non-overlapping evaluation windows of window + 1 tokens (stride window), in order.</summary>
    public IEnumerable<int[]> EvaluationWindows(int window)
    {
        for (int start = 0; start + window + 1 <= Tokens.Length; start += window)
            yield return Tokens[start..(start + window + 1)];
    }

    /// <summary>Mean negative log-likelihood (nats) of this stream's evaluation targets under an add-one unigram model of <paramref name="train"/>.</summary>
    public double UnigramLoss(TokenStream train, int vocab, int window)
    {
        var counts = new long[vocab];
        foreach (var t in train.Tokens) counts[t]++;
        double total = train.Tokens.Length + vocab;
        double sum = 0;
        long n = 0;
        foreach (var w in EvaluationWindows(window))
            for (int t = 1; t < w.Length; t++)
            {
                sum -= Math.Log((counts[w[t]] + 1) / total);
                n++;
            }
        return sum / n;
    }
}
