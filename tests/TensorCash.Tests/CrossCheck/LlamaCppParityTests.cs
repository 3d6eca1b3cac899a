using NUnit.Framework;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.CrossCheck;

/// <summary>
/// Our engines against an independent implementation: llama.cpp's logits (fixtures/llamacpp, computed by its
/// npm build from GGUF files our generator rebuilds byte for byte). Every logit must be within the fixture's
/// max_abs, which allows for llama.cpp rounding activations to the weight type inside its matmuls (f16, bf16,
/// q8_0) and is 1e-4 for f32 models. Shipped models (builtin:small's trained BF16 GGUF) are checked as shipped, after
/// proving the file in the output folder is the one llama.cpp evaluated.
/// </summary>
public class LlamaCppParityTests
{
    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.All))]
    public void NativeLogitsMatchLlamaCpp(LlamaCppFixture fixture) =>
        AssertMatchesLlamaCpp(fixture, "native", weights => Logits.Widen(Logits.Native(weights, fixture.Tokens)));

    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.All))]
    public void Float64ReferenceLogitsMatchLlamaCpp(LlamaCppFixture fixture) =>
        AssertMatchesLlamaCpp(fixture, "float64 reference", weights => Logits.Reference(weights, fixture.Tokens));

    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.Shipped))]
    public void ShippedModelNativeLogitsMatchLlamaCpp(ShippedLlamaCppFixture fixture) =>
        AssertShippedMatchesLlamaCpp(fixture, "native", weights => Logits.Widen(Logits.Native(weights, fixture.Tokens)));

    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.Shipped))]
    public void ShippedModelFloat64ReferenceLogitsMatchLlamaCpp(ShippedLlamaCppFixture fixture) =>
        AssertShippedMatchesLlamaCpp(fixture, "float64 reference", weights => Logits.Reference(weights, fixture.Tokens));

    private static void AssertMatchesLlamaCpp(LlamaCppFixture fixture, string engine, Func<ModelWeights, double[][]> run)
    {
        using var scratch = new ScratchDirectory();
        string gguf = GeneratedModels.Gguf(fixture, scratch);
        AssertMatches(fixture.Name, gguf, fixture.Logits, fixture.MaxAbs, engine, run);
    }

    private static void AssertShippedMatchesLlamaCpp(ShippedLlamaCppFixture fixture, string engine, Func<ModelWeights, double[][]> run)
    {
        Assert.That(File.Exists(fixture.OutputPath), $"{fixture.OutputPath} is missing from the test output (the build copies it there)");
        Assert.That(GeneratedModels.Sha256(fixture.OutputPath), Is.EqualTo(fixture.GgufSha256),
            $"{fixture.Name}: the shipped file is not the one llama.cpp evaluated; re-run bench/llamacpp/make-fixtures.sh --only {fixture.Name}");
        AssertMatches(fixture.Name, fixture.OutputPath, fixture.Logits, fixture.MaxAbs, engine, run);
    }

    private static void AssertMatches(string name, string gguf, float[][] llamaCppLogits, double maxAbs, string engine, Func<ModelWeights, double[][]> run)
    {
        double[][] ours;
        using (var weights = ModelLoader.Load(gguf)) ours = run(weights);
        var theirs = Logits.Widen(llamaCppLogits);
        Assert.That(ours.Length, Is.EqualTo(theirs.Length), "positions");

        double worst = 0;
        int agreed = 0, decisive = 0;
        using (Assert.EnterMultipleScope())
        {
            for (int p = 0; p < theirs.Length; p++)
            {
                double diff = Logits.MaxAbsDiff([ours[p]], [theirs[p]]);
                worst = Math.Max(worst, diff);
                Assert.That(diff, Is.LessThanOrEqualTo(maxAbs), $"position {p}: max |{engine} - llama.cpp|");
                // Within the bound, the top token can only flip where llama.cpp's top two are closer than 2*max_abs.
                if (Logits.TopTwoGap(theirs[p]) <= 2 * maxAbs) continue;
                decisive++;
                int mine = Logits.ArgMax(ours[p]), llama = Logits.ArgMax(theirs[p]);
                if (mine == llama) agreed++;
                Assert.That(mine, Is.EqualTo(llama), $"position {p}: argmax ({engine} vs llama.cpp, top-2 gap {Logits.TopTwoGap(theirs[p]):G3})");
            }
        }
        Assert.That(decisive, Is.GreaterThan(0), "no position is decisive enough to compare argmax");
        TestContext.Out.WriteLine($"{name} {engine}: max |diff| {worst:E2} (bound {maxAbs:G2}, max |logit| {Logits.MaxAbs(theirs):F2}), " +
                                  $"argmax {agreed}/{decisive} decisive positions of {theirs.Length}");
    }
}
