using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.CrossCheck;

/// <summary>Logits of every position from each engine, as rows [position][vocab], and the comparisons the cross-checks make.</summary>
public static class Logits
{
    /// <summary>The native backend, all tokens in one prefill.</summary>
    public static float[][] Native(ModelWeights weights, int[] tokens)
    {
        using var model = Transformer.Create(weights, threads: 2);
        int vocab = weights.Config.VocabSize;
        var flat = new float[tokens.Length * vocab];
        using (var sequence = model.NewSequence(tokens.Length))
            model.Forward([new ForwardRequest(sequence, tokens, LogitsMode.All, flat)]);
        return Enumerable.Range(0, tokens.Length).Select(p => flat.AsSpan(p * vocab, vocab).ToArray()).ToArray();
    }

    /// <summary>The float64 reference over the same weights, widened exactly.</summary>
    public static double[][] Reference(ModelWeights weights, int[] tokens)
    {
        var logits = new ReferenceTransformer(weights).Forward(tokens);
        int vocab = logits.GetLength(1);
        return Enumerable.Range(0, tokens.Length).Select(p => Enumerable.Range(0, vocab).Select(v => logits[p, v]).ToArray()).ToArray();
    }

    public static double[][] Widen(float[][] rows) => rows.Select(r => r.Select(v => (double)v).ToArray()).ToArray();

    /// <summary>max |a - b| over every logit of every position; the shapes must agree.</summary>
    public static double MaxAbsDiff(double[][] a, double[][] b)
    {
        if (a.Length != b.Length || a.Zip(b).Any(p => p.First.Length != p.Second.Length))
            throw new ArgumentException($"logit shapes differ: {a.Length}x{a[0].Length} vs {b.Length}x{b[0].Length}");
        return a.Zip(b).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
    }

    public static double MaxAbs(double[][] rows) => rows.Max(r => r.Max(Math.Abs));

    public static int ArgMax(double[] row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>top-1 minus top-2 logit.</summary>
    public static double TopTwoGap(double[] row)
    {
        var top = row.OrderDescending().Take(2).ToArray();
        return top[0] - top[1];
    }
}
