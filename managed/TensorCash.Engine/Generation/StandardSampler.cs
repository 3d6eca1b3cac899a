namespace TensorCash.Engine.Generation;

/// <summary>
/// The usual sampling chain, applied in this order (docs/cli.md describes it for users):
/// 1. repetition penalty over every distinct token in the context (prompt + generated): a positive
///    logit is divided by the penalty, a negative one multiplied (HF / llama.cpp rule);
/// 2. temperature 0: return the argmax, ties to the lowest id; nothing random is drawn;
/// 3. top-k: keep the K largest (ties to the lower id);
/// 4. temperature: softmax of logit / T over the kept tokens, in double precision;
/// 5. top-p: keep the smallest prefix of the kept tokens, by descending probability, whose mass
///    reaches P (always at least one token);
/// 6. draw u in [0, 1) from the seeded xoshiro256** stream, scaled by the kept mass, and walk
///    the cumulative sum. Exactly one draw per sampled token.
/// Not thread-safe: one instance per sequence.
/// </summary>
public sealed class StandardSampler : ITokenSampler
{
    private readonly SamplingOptions _options;
    private readonly SamplingRng _rng;
    private float[] _penalized = [];
    private int[] _penaltyStamp = [];
    private int _stamp;
    private int[] _ids = [];
    private float[] _values = [];
    private double[] _weights = [];

    public StandardSampler(SamplingOptions options)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _rng = new SamplingRng(options.Seed);
    }

    public SamplingOptions Options => _options;

    public int Sample(int step, ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        if (logits.IsEmpty) throw new ArgumentException("logits are empty", nameof(logits));
        ReadOnlySpan<float> scores = _options.RepetitionPenalty == 1f ? logits : Penalize(logits, context);
        if (_options.Temperature == 0f) return Argmax(scores);

        int vocab = scores.Length;
        int k = _options.TopK == 0 ? vocab : Math.Min(_options.TopK, vocab);
        if (k == vocab && _options.TopP >= 1f) return DrawUnsorted(scores);

        EnsureCapacity(ref _weights, k);
        EnsureCapacity(ref _ids, k);
        EnsureCapacity(ref _values, k);
        int kept = TopK.Select(scores, k, _ids, _values);
        double total = Softmax(_values.AsSpan(0, kept), _weights.AsSpan(0, kept));
        if (!(total > 0)) return _ids[0]; // every logit was -inf or NaN: fall back to the best-ranked id

        if (_options.TopP < 1f)
        {
            double target = _options.TopP * total, mass = 0;
            int prefix = 0;
            while (prefix < kept && mass < target) mass += _weights[prefix++];
            kept = Math.Max(prefix, 1);
            total = mass;
        }
        return _ids[Draw(_weights.AsSpan(0, kept), total)];
    }

    /// <summary>Copies the logits and applies the penalty once per distinct context token.</summary>
    private ReadOnlySpan<float> Penalize(ReadOnlySpan<float> logits, ReadOnlySpan<int> context)
    {
        EnsureCapacity(ref _penalized, logits.Length);
        if (_penaltyStamp.Length < logits.Length)
        {
            _penaltyStamp = new int[logits.Length];
            _stamp = 0;
        }
        // A fresh stamp per call marks "already penalized" without clearing a vocab-sized array.
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_penaltyStamp);
            _stamp = 1;
        }
        var scores = _penalized.AsSpan(0, logits.Length);
        logits.CopyTo(scores);
        float penalty = _options.RepetitionPenalty;
        foreach (int id in context)
        {
            if ((uint)id >= (uint)scores.Length || _penaltyStamp[id] == _stamp) continue;
            _penaltyStamp[id] = _stamp;
            scores[id] = scores[id] > 0 ? scores[id] / penalty : scores[id] * penalty;
        }
        return scores;
    }

    /// <summary>Index of the largest value; ties go to the lowest index, NaN never wins over a number.</summary>
    public static int Argmax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (TopK.Ranks(values[i], i, values[best], best)) best = i;
        return best;
    }

    /// <summary>Fills unnormalised exp((v - max) / T) weights; returns their sum.</summary>
    private double Softmax(ReadOnlySpan<float> sortedDescending, Span<double> weights)
    {
        double max = sortedDescending[0], temperature = _options.Temperature, total = 0;
        for (int i = 0; i < sortedDescending.Length; i++)
        {
            double w = Math.Exp((sortedDescending[i] - max) / temperature);
            weights[i] = double.IsNaN(w) ? 0 : w;
            total += weights[i];
        }
        return total;
    }

    /// <summary>No truncation: sample the whole vocabulary in id order, skipping the sort.</summary>
    private int DrawUnsorted(ReadOnlySpan<float> scores)
    {
        EnsureCapacity(ref _weights, scores.Length);
        double max = double.NegativeInfinity;
        foreach (float s in scores) if (s > max) max = s;
        if (double.IsNegativeInfinity(max)) return Argmax(scores);
        double temperature = _options.Temperature, total = 0;
        var weights = _weights.AsSpan(0, scores.Length);
        for (int i = 0; i < scores.Length; i++)
        {
            double w = Math.Exp((scores[i] - max) / temperature);
            weights[i] = double.IsNaN(w) ? 0 : w;
            total += weights[i];
        }
        return Draw(weights, total);
    }

    private int Draw(ReadOnlySpan<double> weights, double total)
    {
        double u = _rng.NextDouble() * total, cumulative = 0;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0) continue;
            last = i;
            cumulative += weights[i];
            if (u < cumulative) return i;
        }
        return last; // rounding left u at or past the final sum: the last token with weight wins
    }

    private static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
