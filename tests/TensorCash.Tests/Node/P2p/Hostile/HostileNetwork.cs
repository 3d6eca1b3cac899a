using System.Diagnostics;
using System.Net;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Node.P2p;
using TensorCash.Node.P2p.Protocol;
using TensorCash.Proof.Transcript;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Node.P2p.Hostile;

/// <summary>
/// A victim node listening on 127.0.0.1 (bans loopback peers, short handshake and message-read timeouts) and an honest
/// node it dials itself (a manual outbound peer: never banned, dialled even while 127.0.0.1 is banned), so an attacker
/// from 127.0.0.1 can be banned while the honest peer keeps the victim in sync.
/// </summary>
internal sealed class HostileNetwork : IAsyncDisposable
{
    public static readonly NetworkTimeouts VictimTimeouts = new()
    {
        Handshake = TimeSpan.FromSeconds(3),
        MessageRead = TimeSpan.FromSeconds(2),
        ConnectRetry = TimeSpan.FromMilliseconds(500),
    };

    private HostileNetwork(TestNode victim, TestNode honest)
    {
        Victim = victim;
        Honest = honest;
    }

    public TestNode Victim { get; }
    public TestNode Honest { get; }
    public ConnectionManager VictimNetwork => Victim.Host.Network!;
    public uint Magic => Victim.Host.Parameters.MessageStart;

    public static async Task<HostileNetwork> StartAsync()
    {
        var honest = TestNode.Open();
        TestNode? victim = null;
        try
        {
            // MaxOutbound 0: the honest node never dials the victim back (it learns its listen port from the version).
            var honestNetwork = honest.Host.StartNetwork(new P2pOptions { Listen = true, Port = 0, Bind = IPAddress.Loopback, MaxOutbound = 0 });
            victim = TestNode.Open();
            victim.Host.StartNetwork(new P2pOptions
            {
                Listen = true,
                Port = 0,
                Bind = IPAddress.Loopback,
                BanLocalPeers = true,
                Connect = [new IPEndPoint(IPAddress.Loopback, honestNetwork.ListenPort)],
                Timeouts = VictimTimeouts,
            });
            var network = new HostileNetwork(victim, honest);
            await network.WaitUntilAsync(() => network.HonestPeer() is not null, TimeSpan.FromSeconds(20), "the victim's outbound connection to the honest node");
            return network;
        }
        catch
        {
            if (victim is not null) await victim.DisposeAsync();
            await honest.DisposeAsync();
            throw;
        }
    }

    /// <summary>The victim's (manual, outbound) connection to the honest node, once its handshake is done.</summary>
    public Peer? HonestPeer() => VictimNetwork.ReadyPeers().FirstOrDefault(p => p.Manual && !p.Inbound);

    public Task<HostilePeer> ConnectAttackerAsync() => HostilePeer.ConnectAsync(VictimNetwork.ListenPort, Magic);

    public async Task<HostilePeer> ConnectedAttackerAsync()
    {
        var attacker = await ConnectAttackerAsync();
        await attacker.HandshakeAsync(TimeSpan.FromSeconds(5));
        return attacker;
    }

    /// <summary>The victim's side of <paramref name="attacker"/>'s connection (null once it is gone).</summary>
    public Peer? VictimSideOf(HostilePeer attacker) =>
        VictimNetwork.AllPeers().FirstOrDefault(p => p.Inbound && p.RemoteEndPoint.Port == attacker.LocalPort);

    public bool LoopbackBanned => VictimNetwork.Bans.IsBanned(IPAddress.Loopback);

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>The node closed the attacker's socket, banned 127.0.0.1, and closes a fresh connection from it at once.</summary>
    public async Task AssertDisconnectedAndBannedAsync(HostilePeer attacker)
    {
        Assert.That(await attacker.WaitForDisconnectAsync(TimeSpan.FromSeconds(5)), Is.True, "the node closes the attacker's connection");
        await WaitUntilAsync(() => LoopbackBanned, TimeSpan.FromSeconds(2), "127.0.0.1 to be banned");
        Assert.That(VictimNetwork.Bans.List().Any(), Is.True);
        await using var again = await ConnectAttackerAsync();
        Assert.That(await again.WaitForDisconnectAsync(TimeSpan.FromSeconds(2)), Is.True, "a banned address is closed at once when it connects again");
    }

    /// <summary>The node closed the attacker's socket without banning it: a fresh connection completes its handshake.</summary>
    public async Task AssertDisconnectedNotBannedAsync(HostilePeer attacker, TimeSpan within)
    {
        Assert.That(await attacker.WaitForDisconnectAsync(within), Is.True, "the node closes the attacker's connection");
        await WaitUntilAsync(() => VictimSideOf(attacker) is null, TimeSpan.FromSeconds(2), "the victim to drop the attacker's peer");
        Assert.That(LoopbackBanned, Is.False, "this misbehaviour disconnects without a ban");
        await using var again = await ConnectedAttackerAsync();
        await again.SyncAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>The victim is still up and in sync with the honest node: it mines a block and the victim's tip follows.</summary>
    public async Task AssertHonestPeerKeepsSyncingAsync()
    {
        Assert.That(HonestPeer(), Is.Not.Null, "the honest (manual, outbound) peer is still connected");
        var before = Victim.Host.Chain.Tip.Height;
        Honest.Host.Generate(1, MaturedChain.OpTrue);
        var tip = Honest.Host.Chain.Tip;
        Assert.That(tip.Height, Is.GreaterThan(before));
        await WaitUntilAsync(() => Victim.Host.Chain.Tip.Hash == tip.Hash, TimeSpan.FromSeconds(20), $"the victim to sync to the honest tip {tip.Hash} at height {tip.Height}");
    }

    /// <summary>
    /// A real block on the victim's tip that no node has seen, and the same block with a proof that still decodes but
    /// fails tier 1 (one step's token swapped for another candidate of its evidence: bad-proof, token_draw_mismatch).
    /// </summary>
    public (Block Honest, Block Corrupted) ForgeNextBlock()
    {
        var tip = Victim.Host.Chain.Tip;
        var block = RegtestMining.Mine(Honest.Host.MiningModel, tip.Header, tip.Height + 1, extraNonce: (uint)Random.Shared.Next(1000, 1_000_000)).Block!;
        Assert.That(BlockProofRules.Check(block, tip.Height + 1, ChainParams.Regtest, ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId]), Is.Null, "the forged block is valid before the edit");

        var transcript = TranscriptCodec.Decode(block.Proof);
        var steps = transcript.Steps.ToArray();
        int step = 3;
        int other = steps[step].Evidence.Candidates.Select(c => c.TokenId).First(id => id != steps[step].Token);
        steps[step] = steps[step] with { Token = other };
        var corrupted = new Block(block.Header, block.VdfProof, block.Transactions, TranscriptCodec.Encode(transcript with { Steps = steps }));
        Assert.That(BlockProofRules.Check(corrupted, tip.Height + 1, ChainParams.Regtest, ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId])?.Reason, Is.EqualTo("bad-proof"), "the edit fails tier 1");
        return (block, corrupted);
    }

    public async ValueTask DisposeAsync()
    {
        await Victim.DisposeAsync();
        await Honest.DisposeAsync();
    }
}
