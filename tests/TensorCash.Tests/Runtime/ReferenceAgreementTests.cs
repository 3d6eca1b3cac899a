using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Runtime;

/// <summary>The native forward computes the model: it agrees with the independent float64 reference to fp32 accuracy.</summary>
public class ReferenceAgreementTests
{
    private static IEnumerable<TestModelSpec> Specs()
    {
        yield return new TestModelSpec { Heads = 4, KvHeads = 4, Seed = 1 };
        yield return new TestModelSpec { Heads = 4, KvHeads = 2, Tied = true, Seed = 2 };
        yield return new TestModelSpec { Heads = 8, KvHeads = 2, HeadDim = 8, RopeTheta = 500000, Seed = 3 };
        yield return new TestModelSpec { Bias = true, RopeTheta = 1000000, Seed = 4 };
        yield return new TestModelSpec { HeadDim = 32, Heads = 2, KvHeads = 1, RopeScaling = new Llama3RopeScaling(8, 1, 4, 16), RopeTheta = 500000, Seed = 5 };
        yield return new TestModelSpec { ModelDim = 50, FeedForwardDim = 70, HeadDim = 10, Heads = 3, KvHeads = 1, Vocab = 31, Seed = 6 };
        yield return new TestModelSpec { DType = TensorDType.BF16, Seed = 7 };
        yield return new TestModelSpec { DType = TensorDType.F16, Bias = true, Tied = true, Seed = 8 };
        yield return new TestModelSpec { DType = TensorDType.Q8_0, Seed = 9 };
    }

    [TestCaseSource(nameof(Specs))]
    public void NativeLogitsMatchFloat64Reference(TestModelSpec spec)
    {
        using ModelWeights weights = TestModels.Build(spec);
        ReferenceAgreement.AssertNativeMatchesReference(weights, new TestRng(spec.Seed + 100).Tokens(40, spec.Vocab), spec.ToString());
    }
}
