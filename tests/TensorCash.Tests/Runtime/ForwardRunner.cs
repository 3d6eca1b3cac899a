using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Runtime;

/// <summary>Small conveniences over Transformer.Forward for tests.</summary>
public static class ForwardRunner
{
    /// <summary>Logits of every token of <paramref name="tokens"/>, fed in chunks of the given sizes into a fresh sequence.</summary>
    public static float[] Chunked(Transformer model, int[] tokens, IEnumerable<int> chunkSizes)
    {
        int vocab = model.Config.VocabSize;
        var logits = new float[tokens.Length * vocab];
        using Sequence seq = model.NewSequence(tokens.Length);
        int at = 0;
        foreach (int size in chunkSizes)
        {
            model.Forward([new ForwardRequest(seq, tokens.AsMemory(at, size), LogitsMode.All, logits.AsMemory(at * vocab, size * vocab))]);
            at += size;
        }
        if (at != tokens.Length) throw new ArgumentException("chunk sizes do not add up to the token count");
        return logits;
    }

    public static float[] Prefill(Transformer model, int[] tokens) => Chunked(model, tokens, [tokens.Length]);

    public static float[] TokenByToken(Transformer model, int[] tokens) => Chunked(model, tokens, Enumerable.Repeat(1, tokens.Length));

    /// <summary>Random positive sizes adding up to <paramref name="total"/>.</summary>
    public static List<int> RandomChunks(TestRng rng, int total)
    {
        var sizes = new List<int>();
        for (int left = total; left > 0;)
        {
            int size = rng.Next(1, left);
            sizes.Add(size);
            left -= size;
        }
        return sizes;
    }
}
