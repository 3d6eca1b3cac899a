using TensorCash.Engine.Formats;
using TensorCash.Engine.Runtime;

namespace TensorCash.Train;

/// <summary>
/// Held-out cross-entropy of an exported file measured by TensorCash's own engine (BF16 weights, the DOT16 contract),
/// on the same windows <see cref="Trainer.Evaluate"/> uses in torch: agreement of the two is the check that export,
/// the GGUF writer, the q/k permutation and the engine's loader all preserve the model.
/// </summary>
public static class EngineEvaluation
{
    public static double Loss(string modelPath, TokenStream stream, int window, int maxWindows, int threads)
    {
        using var weights = ModelLoader.Load(modelPath);
        using var transformer = Transformer.Create(weights, threads);
        int vocab = transformer.Config.VocabSize;
        double sum = 0;
        long count = 0;
        var windows = stream.EvaluationWindows(window);
        if (maxWindows > 0) windows = windows.Take(maxWindows);
        var logits = new float[window * vocab];
        foreach (var w in windows)
        {
            using var sequence = transformer.NewSequence(window);
            transformer.Forward([new ForwardRequest(sequence, w.AsMemory(0, window), LogitsMode.All, logits)]);
            for (int t = 0; t < window; t++)
            {
                var row = logits.AsSpan(t * vocab, vocab);
                double max = double.NegativeInfinity;
                foreach (var l in row) max = Math.Max(max, l);
                double z = 0;
                foreach (var l in row) z += Math.Exp(l - max);
                sum += Math.Log(z) + max - row[w[t + 1]];
                count++;
            }
        }
        return sum / count;
    }
}
