using System.Diagnostics;
using System.Net;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.P2p;
using TensorCash.Node.P2p.Protocol;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Node.Mining;
using TensorCash.Tests.Node.P2p.Hostile;

namespace TensorCash.Tests.Node.Registry;

/// <summary>
/// The registry over the network: a node catches up with a chain that registers and activates a model, and a header
/// whose model the syncing node's approximate registry does not know is deferred (no penalty) until the block before it
/// is stored, after which headers are asked for again and an exact rejection is misbehaviour as any other.
/// </summary>
[NonParallelizable]
public class RegistryP2pTests
{
    private static P2pOptions Listening => new() { Listen = true, Port = 0, Bind = IPAddress.Loopback };

    private static async Task WaitUntil(Func<bool> condition, string what, int seconds = 60)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(50);
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task ANodeCatchesUpWithAChainThatActivatesAModel()
    {
        var model = TestModel.Create("network-model", 21);
        // The miner signals for the model by id (it does not hold it: a registered test model cannot be loaded).
        await using var miner = MaturedChain.Open(new NodeOptions { Network = Network.Regtest, SupportModels = [model.Hex] });
        var funding = miner.Host.Chain.GetBlock(miner.Host.Chain.GetBlockHash(1)!.Value)!.Transactions[0];
        var registration = model.RegistrationTx((new OutPoint(funding.Txid, 0), funding.Outputs[0].Value));
        Assert.That(miner.Host.Mempool.Submit(registration).Rejection, Is.Null);

        // Registered at 104; the period 112..119 signals (the miner's every block does), so it locks in after 119 and is
        // active from 128.
        miner.Host.Generate(127 - MaturedChain.Height, MaturedChain.OpTrue);
        var entry = miner.Host.Chain.Registry.Find(model.Id)!;
        Assert.That(entry.RegisteredHeight, Is.EqualTo(104));
        Assert.That(entry.Status, Is.EqualTo(ModelStatus.Active));
        Assert.That(entry.ActivationHeight, Is.EqualTo(128));
        var signalled = miner.Host.Chain.GetHeader(miner.Host.Chain.GetBlockHash(115)!.Value)!;
        Assert.That(ModelRegistry.SignalledSlots(signalled.Version), Is.EqualTo(new[] { 0 }), "mined blocks carry the support signal");
        Assert.That(miner.Host.Chain.GetHeader(miner.Host.Chain.GetBlockHash(125)!.Value)!.Version, Is.EqualTo(ModelRegistry.SignalVersion([])),
            "no signal once the model is no longer pending (a versionbits block with no bit set)");

        await using var syncing = TestNode.Open();
        var network = miner.Host.StartNetwork(Listening);
        syncing.Host.StartNetwork(new P2pOptions { Connect = [new IPEndPoint(IPAddress.Loopback, network.ListenPort)] });
        var tip = miner.Host.Chain.Tip;
        await WaitUntil(() => syncing.Host.Chain.Tip.Hash == tip.Hash, $"the syncing node reaches {tip.Hash} at height {tip.Height}", 180);

        Assert.That(TestModel.Describe(syncing.Host.Chain.Registry), Is.EqualTo(TestModel.Describe(miner.Host.Chain.Registry)));
        Assert.That(syncing.Host.Chain.Registry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Active));
        var blockchainInfo = syncing.Call("getblockchaininfo")!;
        Assert.That(blockchainInfo["models"]!.AsArray().Any(m => (string)m!["modelid"]! == model.Hex && (string)m["status"]! == "active"), Is.True);
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task AHeaderOnAModelTheApproximateRegistryLacksIsDeferredThenCheckedExactly()
    {
        await using var victim = TestNode.Open();
        var network = victim.Host.StartNetwork(Listening with { BanLocalPeers = true });
        await using var peer = await HostilePeer.ConnectAsync(network.ListenPort, victim.Host.Parameters.MessageStart);
        await peer.HandshakeAsync(TimeSpan.FromSeconds(10));

        // h1: a real block on builtin:tiny after genesis. h2 after it runs a model no registry has; its proof is never
        // looked at, since the header rules stop it first.
        var genesis = victim.Host.Parameters.Genesis.Header;
        var h1 = RegtestMining.Mine(victim.Host.MiningModel, genesis, 1).Block!;
        var unknown = TestModel.Create("nowhere", 22).Id;
        var h2 = new BlockHeader(ModelRegistry.SignalVersion([]), h1.Header.Hash, Hash256.Zero, h1.Header.Time + 120, victim.Host.Parameters.PowLimitBits,
            victim.Host.Parameters.PowLimitBits, unknown, Hash256.Zero, 0, Hash256.Zero, 0);
        await peer.SendAsync(new HeadersMessage([ProofCarryingHeader.Of(h1), new ProofCarryingHeader(h2, [], [1, 2, 3])]));

        // h1's parent is stored (exact registry): h1 is accepted. h2's parent h1 is not: the registry of genesis stands in,
        // which lacks the model, so h2 waits. No penalty: the node asks for h1's block.
        await peer.ReadUntilAsync(m => m is InventoryMessage { Name: InventoryMessage.GetData } getData && getData.Items.Any(i => i.Hash == h1.Header.Hash),
            TimeSpan.FromSeconds(20));
        Assert.That(network.Bans.IsBanned(IPAddress.Loopback), Is.False);
        var victimSide = network.AllPeers().Single(p => p.Inbound && p.RemoteEndPoint.Port == peer.LocalPort);
        Assert.That(network.Peers.Sync.IsDeferred(victimSide), Is.True, "the peer's headers wait for h1's block");
        Assert.That(network.Peers.Sync.IsKnown(h2.Hash), Is.False, "h2 is not in the header tree");
        await peer.SendAsync(new BlockMessage(h1));

        // Once h1 is stored the node asks for headers again, from h1.
        await peer.ReadUntilAsync(m => m is GetHeadersMessage g && g.Locator.Count > 0 && g.Locator[0] == h1.Header.Hash, TimeSpan.FromSeconds(20));
        Assert.That(victim.Host.Chain.Tip.Hash, Is.EqualTo(h1.Header.Hash));
        Assert.That(network.Peers.Sync.IsDeferred(victimSide), Is.False);

        // Now the registry after h1 is exact, and a header on an unknown model is the peer's fault.
        await peer.SendAsync(new HeadersMessage([new ProofCarryingHeader(h2, [], [1, 2, 3])]));
        Assert.That(await peer.WaitForDisconnectAsync(TimeSpan.FromSeconds(10)), Is.True, "an exactly checked bad-model header disconnects");
        await WaitUntil(() => network.Bans.IsBanned(IPAddress.Loopback), "127.0.0.1 to be banned", 10);
    }
}
