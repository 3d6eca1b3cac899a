using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.BuiltinSmall;

/// <summary>
/// The native forward on the trained model agrees with the independent float64 reference within the bound
/// Runtime/ReferenceAgreementTests holds every random model to: 2e-5 of the largest logit (at least 1). A trained
/// model's peaked logits are the case random weights never exercised.
/// </summary>
[Category("Runtime")]
public class SmallReferenceParityTests
{
    [TestCaseSource(typeof(SmallModel), nameof(SmallModel.Prompts))]
    public void NativeLogitsMatchFloat64Reference(string prompt)
    {
        int[] tokens = SmallModel.Encode(prompt);
        using var weights = BuiltinModels.Load(BuiltinModels.SmallName);
        var native = Logits.Widen(Logits.Native(weights, tokens));
        var reference = Logits.Reference(weights, tokens);
        double worst = Logits.MaxAbsDiff(native, reference), scale = Logits.MaxAbs(reference);
        TestContext.Out.WriteLine($"{tokens.Length} tokens: max |native - float64 reference| {worst:E2}, max |logit| {scale:F2}");
        Assert.That(scale, Is.GreaterThan(1), "a trained model's logits should not be degenerate");
        Assert.That(worst, Is.LessThan(2e-5 * Math.Max(1, scale)), "max |native - float64 reference|");
    }
}
