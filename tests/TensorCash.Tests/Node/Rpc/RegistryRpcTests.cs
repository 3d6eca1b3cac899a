using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Proving.Audit;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>
/// listmodels, getmodelinfo, registermodel and challengemodel on a regtest node, end to end through the real miner:
/// a healthy second model is registered, supported, activated and mined; a hollow one is registered, gets no support
/// from a miner that audits it, and is challenged out with its deposit forfeited.
/// </summary>
public class RegistryRpcTests
{
    private static JsonObject Model(TestNode node, string name) =>
        node.Call("listmodels")!.AsArray().Select(m => m!.AsObject()).Single(m => (string)m["name"]! == name);

    private static void Fund(TestNode node) =>
        node.Call("generatetoaddress", ChainParams.Regtest.CoinbaseMaturity + 1, (string)node.Call("getnewaddress")!);

    [Test]
    public async Task ASecondModelIsRegisteredSupportedActivatedAndMined()
    {
        await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, Models = ["builtin:tiny", "builtin:nano"] });
        var tiny = Model(node, "builtin:tiny");
        Assert.That((string)tiny["status"]!, Is.EqualTo("active"));
        Assert.That((bool)tiny["genesis"]!, Is.True);
        Assert.That(node.Call("listmodels")!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(node.Fails("registermodel", "builtin:nano").Code, Is.EqualTo(RpcErrorCode.WalletInsufficientFunds), "nothing has matured yet");

        Fund(node);
        Assert.That(node.Fails("registermodel", "builtin:other").Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey), "not held");
        Assert.That(node.Fails("registermodel", "builtin:nano", 0.5).Code, Is.EqualTo(RpcErrorCode.InvalidParameter), "below the minimum deposit");
        var registered = node.Call("registermodel", "builtin:nano")!.AsObject();
        string txid = (string)registered["txid"]!;
        Assert.That(node.Call("getrawmempool")!.AsArray().Select(t => (string)t!), Does.Contain(txid));
        Assert.That((ulong)registered["difficulty"]!, Is.GreaterThan(ChainParams.Regtest.ModelNormaliser), "nano is cheaper than tiny: a harder target");
        Assert.That(node.Fails("registermodel", "builtin:nano").Message, Does.Contain("bad-reg-duplicate"), "a second registration of the same model");

        node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
        var pending = Model(node, "builtin:nano");
        Assert.That((string)pending["status"]!, Is.EqualTo("pending"));
        Assert.That((int)pending["signalslot"]!, Is.EqualTo(0));
        Assert.That((bool)pending["held"]! && (bool)pending["supported"]!, Is.True, "the node holds nano and its audit passes, so it signals");
        Assert.That((string)pending["deposit"]!["state"]!, Is.EqualTo("locked"));
        Assert.That((string)pending["modelid"]!, Is.EqualTo((string)registered["modelid"]!));

        for (int i = 0; i < 40 && (string)Model(node, "builtin:nano")["status"]! != "active"; i++)
            node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
        var info = node.Call("getmodelinfo", "builtin:nano")!.AsObject();
        Assert.That((string)info["status"]!, Is.EqualTo("active"));
        Assert.That((string)info["reason"]!, Is.EqualTo("activated"));
        Assert.That((int)info["registration"]!["descriptor"]!["layers"]!, Is.EqualTo(2));
        Assert.That((bool)info["audit"]!["passed"]!, Is.True);
        Assert.That((int)info["profile"]!["windowsize"]!, Is.EqualTo(ChainParams.Regtest.ProofWindowSize));
        Assert.That(node.Call("getmodelinfo", (string)registered["modelid"]!)!["name"]!.GetValue<string>(), Is.EqualTo("builtin:nano"), "by id too");

        var hashes = node.Call("generatetoaddress", 4, (string)node.Call("getnewaddress")!)!.AsArray();
        var models = hashes.Select(h => (string)node.Call("getblockheader", (string)h!)!["model"]!).ToList();
        Assert.That(models, Does.Contain("builtin:nano").And.Contain("builtin:tiny"), "the miner alternates between its active models");

        Assert.That(node.Fails("getmodelinfo", "builtin:none").Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("challengemodel", "builtin:nano").Code, Is.EqualTo(RpcErrorCode.InvalidParameter), "a healthy model leaves nothing to prove");
    }

    [Test]
    public async Task AHollowModelThatFailsTheAuditGetsNoSupportAndExpiresWithItsDepositReturned()
    {
        string dir = Directory.CreateTempSubdirectory("tc-hollow-").FullName;
        try
        {
            string path = Path.Combine(dir, "duplicated.gguf");
            GgufWriter.Write(HollowModels.DuplicatedLayer(), path, TensorDType.F32, GgufVocabulary.ByteLevel(HollowModels.Spec.VocabSize));
            await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, Models = ["builtin:tiny", path] });
            Fund(node);
            var registered = node.Call("registermodel", path, 1, "padded-model")!.AsObject();
            node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
            Assert.That((bool)Model(node, "padded-model")["supported"]!, Is.False, "the audit finds the duplicated layer, so the miner withholds support");
            Assert.That(node.Host.Payments.GetBalance().Immature, Is.GreaterThanOrEqualTo(ChainParams.Regtest.Registry.MinimumDeposit), "the locked deposit counts as immature");

            int window = ChainParams.Regtest.Registry.WindowBlocks;
            for (int i = 0; i < window + ChainParams.Regtest.Registry.SignalPeriod && (string)Model(node, "padded-model")["status"]! == "pending"; i++)
                node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
            var expired = Model(node, "padded-model");
            Assert.That((string)expired["status"]!, Is.EqualTo("expired"));
            Assert.That((string)expired["reason"]!, Is.EqualTo("expired-no-support"));
            Assert.That((string)expired["deposit"]!["state"]!, Is.EqualTo("released"));
            Assert.That(node.Call("listunspent")!.AsArray().Any(u => (string)u!["txid"]! == (string)registered["txid"]! && (int)u!["vout"]! == 0), Is.True,
                "the released deposit is spendable again");
            Assert.That(node.Call("registermodel", path, 1, "padded-model")!["txid"], Is.Not.Null, "an expired model may be registered again");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task AHollowModelGetsNoSupportAndIsChallengedOutWithItsDepositForfeited()
    {
        string dir = Directory.CreateTempSubdirectory("tc-hollow-").FullName;
        try
        {
            string path = Path.Combine(dir, "hollow.gguf");
            GgufWriter.Write(HollowModels.ZeroedWDown(layer: 1), path, TensorDType.F32, GgufVocabulary.ByteLevel(HollowModels.Spec.VocabSize));
            await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, Models = ["builtin:tiny", path] });
            Fund(node);
            var registered = node.Call("registermodel", path, 2, "hollow-model")!.AsObject();
            node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);
            var pending = Model(node, "hollow-model");
            Assert.That((string)pending["status"]!, Is.EqualTo("pending"));
            Assert.That((bool)pending["held"]!, Is.True);
            Assert.That((bool)pending["supported"]!, Is.False, "the weight audit fails, so this miner withholds support");
            Assert.That((bool)node.Call("getmodelinfo", "hollow-model")!["audit"]!["passed"]!, Is.False);

            var challenge = node.Call("challengemodel", "hollow-model")!.AsObject();
            Assert.That((string)challenge["kind"]!, Is.EqualTo("ZeroTensor"));
            Assert.That((string)challenge["tensors"]![0]!, Is.EqualTo("layers.1.w_down"));
            node.Call("generatetoaddress", 1, (string)node.Call("getnewaddress")!);

            var after = Model(node, "hollow-model");
            Assert.That((string)after["status"]!, Is.EqualTo("deactivated"));
            Assert.That((string)after["reason"]!, Is.EqualTo("deactivated-fraud"));
            Assert.That((string)after["deposit"]!["state"]!, Is.EqualTo("forfeited"));
            Assert.That((string)after["deposit"]!["txid"]!, Is.EqualTo((string)registered["txid"]!));
            Assert.That(node.Fails("registermodel", path).Message, Does.Contain("bad-reg-banned"), "a model deactivated for fraud cannot come back");
            Assert.That(node.Fails("challengemodel", "hollow-model").Message, Does.Contain("bad-challenge-status"), "nothing left to challenge");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
