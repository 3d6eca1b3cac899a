using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Cli;
using TensorCash.Proving;

namespace TensorCash.Tests.Chain.Targets;

/// <summary>
/// TensorCash.Chain cannot reference the engine, so ChainParams hard-codes builtin:tiny's model id; this checks it
/// against ModelIdentity on the actual builtin model (loaded the way `--model builtin:tiny` loads it).
/// </summary>
public class BuiltinTinyModelIdTests
{
    [Test]
    public void HardCodedIdIsTheModelIdentityOfBuiltinTiny()
    {
        using var weights = ModelResolver.LoadWeights("builtin:tiny");
        var identity = ModelIdentity.Compute(weights);
        Assert.That(ChainParams.BuiltinTinyModelIdHex, Is.EqualTo(identity.Hex));
        Assert.That(ChainParams.BuiltinTinyModelId.ToArray(), Is.EqualTo(identity.Id));
    }
}
