using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Registry;

/// <summary>
/// The miner's side of the registry: which pending models a block signals for, which held model each block runs
/// (round-robin over those active), and a node that holds a model not registered (yet).
/// </summary>
public class RegistryMiningTests
{
    private static readonly ChainParams Parameters = ChainParams.Regtest;

    /// <summary>The registry after a block at height 1 that registers <paramref name="models"/> (slots 0, 1, … in order).</summary>
    private static ModelRegistry WithPending(params TestModel[] models)
    {
        var header = new BlockHeader(1, Parameters.GenesisHash, Hash256.Zero, 0, 0, 0, ChainParams.BuiltinTinyModelId, Hash256.Zero, 0, Hash256.Zero, 0);
        var actions = models.Select((m, i) => (RegistryAction)new RegistrationAction(Hashes.Sha256d([(byte)i]), m.Registration, Parameters.Registry.MinimumDeposit)).ToList();
        var (registry, violation) = RegistryRules.Apply(ModelRegistry.Genesis(Parameters), header, 1, actions, Parameters);
        Assert.That(violation, Is.Null);
        return registry;
    }

    [Test]
    public void SupportPicksTheSlotsOfHeldNamedOrNoPendingModels()
    {
        var a = TestModel.Create("support-a", 31);
        var b = TestModel.Create("support-b", 32);
        var registry = WithPending(a, b);
        Assert.That(registry.Find(a.Id)!.SignalSlot, Is.EqualTo(0));
        Assert.That(registry.Find(b.Id)!.SignalSlot, Is.EqualTo(1));

        Assert.That(ModelSupport.Held(id => id == b.Id).SlotsFor(registry), Is.EqualTo(new[] { 1 }), "a miner signals for what it holds");
        Assert.That(ModelSupport.Named([a.Hex.ToUpperInvariant(), "support-b"]).SlotsFor(registry), Is.EqualTo(new[] { 0, 1 }), "by id or by name");
        Assert.That(ModelSupport.Named(["nothing"]).SlotsFor(registry), Is.Empty);
        Assert.That(ModelSupport.None.SlotsFor(registry), Is.Empty);
        Assert.That(ModelSupport.From(signalNone: true, [a.Hex], _ => true).SlotsFor(registry), Is.Empty, "SignalNone wins");
        Assert.That(ModelSupport.From(false, null, id => id == a.Id).SlotsFor(registry), Is.EqualTo(new[] { 0 }));
        Assert.That(CandidateHeader.Version([0, 1]), Is.EqualTo(0x20000003));
        Assert.That(CandidateHeader.Version([]), Is.EqualTo(0x20000000), "always a versionbits block, with no bit when there is nothing to support");
    }

    [Test]
    public void TheMinerTakesTheActiveHeldModelsInTurn()
    {
        // Two copies of builtin:tiny are two held models with one (active) id; a random model is not registered.
        using var first = InferenceModel.Load("builtin:tiny", 1);
        using var second = InferenceModel.Load("builtin:tiny", 1);
        string path = Path.Combine(Path.GetTempPath(), $"tc-unregistered-{Guid.NewGuid():N}.gguf");
        RandomModelFiles.Write(new RandomModelSpec { Seed = 77 }, TensorDType.F32, path);
        try
        {
            using var unregistered = InferenceModel.Load(path, 1);
            var registry = ModelRegistry.Genesis(Parameters);
            var rotation = new MiningModels([unregistered, first, second]);
            Assert.That(rotation.Peek(registry), Is.SameAs(first));
            Assert.That(rotation.Next(registry), Is.SameAs(first));
            Assert.That(rotation.Next(registry), Is.SameAs(second));
            Assert.That(rotation.Next(registry), Is.SameAs(first), "the unregistered model is skipped");

            var none = new MiningModels([unregistered]);
            Assert.That(none.Peek(registry), Is.Null);
            Assert.That(() => none.Next(registry), Throws.InvalidOperationException.With.Message.Contains("none of the models this node mines on is active")
                .And.Message.Contains("is not registered"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task ANodeHoldsAModelThatIsNotRegisteredAndSaysWhyItCannotMineOnIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tc-unregistered-{Guid.NewGuid():N}.gguf");
        RandomModelFiles.Write(new RandomModelSpec { Seed = 78 }, TensorDType.F32, path);
        try
        {
            await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, Models = [path] });
            Assert.That(node.Host.Models.Select(m => m.Spec), Is.EqualTo(new[] { path, "builtin:tiny" }), "held: the named model, and builtin:tiny for replays");
            Assert.That(node.Host.MiningModels.Models.Select(m => m.Spec), Is.EqualTo(new[] { path }));
            var error = node.Fails("generatetoaddress", 1, node.Host.Wallet.GetNewAddress());
            Assert.That(error.Message, Does.Contain("none of the models this node mines on is active"));
            var info = node.Call("getmininginfo")!;
            Assert.That(info["adjbits"], Is.Null);
            Assert.That(info["warnings"]!.AsArray(), Has.Count.EqualTo(1));

            // builtin:tiny stays minable on request, through the template of an external miner.
            var template = node.Call("getinferencetemplate", node.Host.Wallet.GetNewAddress(), ChainParams.BuiltinTinyModelIdHex)!;
            Assert.That((int)template["version"]!, Is.EqualTo(0x20000000));
            Assert.That(() => node.Call("getinferencetemplate", node.Host.Wallet.GetNewAddress()), Throws.Exception.With.Message.Contains("none of the node's mining models is active"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
