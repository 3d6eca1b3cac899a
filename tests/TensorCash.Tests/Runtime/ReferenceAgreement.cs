using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Runtime;

/// <summary>
/// The bound every random-model "native vs float64 reference" test holds the engine to: the largest logit error below
/// 2e-5 of the largest logit (at least 1), i.e. fp32 accuracy of the whole forward pass.
/// </summary>
internal static class ReferenceAgreement
{
    public static void AssertNativeMatchesReference(ModelWeights weights, int[] tokens, string label)
    {
        using Transformer model = Transformer.Create(weights, threads: 2);
        float[] native = ForwardRunner.Prefill(model, tokens);
        double[,] reference = new ReferenceTransformer(weights).Forward(tokens);
        int vocab = weights.Config.VocabSize;

        double worst = 0, scale = 0;
        for (int t = 0; t < tokens.Length; t++)
            for (int v = 0; v < vocab; v++)
            {
                worst = Math.Max(worst, Math.Abs(native[t * vocab + v] - reference[t, v]));
                scale = Math.Max(scale, Math.Abs(reference[t, v]));
            }
        TestContext.Out.WriteLine($"{label}: max abs error {worst:E2}, max logit {scale:F3}");
        Assert.That(scale, Is.GreaterThan(0.1), "logits should not be degenerate");
        Assert.That(worst, Is.LessThan(2e-5 * Math.Max(1, scale)), $"max |native - reference| over logits of magnitude {scale:F3}");
    }
}
