using System.Diagnostics;
using System.Net;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Tests.Node.P2p.Hostile;

/// <summary>
/// One attack per test against a victim node over a raw socket from 127.0.0.1. After each, the attacker is
/// disconnected (and banned where the protocol says so), the victim is still up, and an honest peer keeps it in sync.
/// Every wait is bounded.
/// </summary>
[TestFixture, NonParallelizable]
public class HostilePeerTests
{
    private HostileNetwork _net = null!;

    private uint Magic => _net.Magic;

    [OneTimeSetUp]
    public async Task StartNodes() => _net = await HostileNetwork.StartAsync();

    [OneTimeTearDown]
    public async Task StopNodes()
    {
        if (_net is not null) await _net.DisposeAsync();
    }

    [SetUp]
    public async Task Unban()
    {
        _net.VictimNetwork.Bans.Clear();
        await _net.WaitUntilAsync(() => _net.HonestPeer() is not null, TimeSpan.FromSeconds(10), "the honest peer");
    }

    private static Hash256 RandomHash() => new(RandomBytes(32));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static InventoryMessage Inventory(string command, int count, InventoryType type = InventoryType.Transaction) =>
        new(command, Enumerable.Range(0, count).Select(_ => new InventoryItem(type, RandomHash())).ToList());

    // ---------------------------------------------------------------- framing

    [Test]
    public async Task OversizeLengthIsDisconnectedAndBanned()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        await attacker.SendRawAsync(HostilePeer.Frame(Magic, "block", ProtocolLimits.MaxMessageBytes + 1, 0, []));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task BeforeTheHandshakeALargeDeclaredPayloadIsOversize()
    {
        // No handshake yet: a 5,000-byte version would make the node hold the buffer for the read timeout. Refused at the length.
        await using var attacker = await _net.ConnectAttackerAsync();
        await attacker.SendRawAsync(HostilePeer.Frame(Magic, "version", ProtocolLimits.MaxHandshakeMessageBytes + 1, 0, []));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task BadChecksumIsDisconnected()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        byte[] payload = new PingMessage(false, 42).Payload();
        await attacker.SendRawAsync(HostilePeer.Frame(Magic, "ping", (uint)payload.Length, MessageHeader.ChecksumOf(payload) ^ 1, payload));
        await _net.AssertDisconnectedNotBannedAsync(attacker, TimeSpan.FromSeconds(5));
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task BadMagicIsDisconnected()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        byte[] payload = new PingMessage(false, 42).Payload();
        Assert.That(ChainParams.Main.MessageStart, Is.Not.EqualTo(Magic));
        await attacker.SendRawAsync(HostilePeer.Frame(ChainParams.Main.MessageStart, "ping", (uint)payload.Length, MessageHeader.ChecksumOf(payload), payload));
        await _net.AssertDisconnectedNotBannedAsync(attacker, TimeSpan.FromSeconds(5));
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task TruncatedMessageIsDisconnectedWithoutHarm()
    {
        // The header declares 100 bytes; 10 come. A peer that then waits is cut by the message-read timeout ...
        var waiting = await _net.ConnectedAttackerAsync();
        await using (waiting)
        {
            await waiting.SendRawAsync(HostilePeer.Frame(Magic, "tx", 100, 0, new byte[10]));
            await _net.AssertDisconnectedNotBannedAsync(waiting, HostileNetwork.VictimTimeouts.MessageRead + TimeSpan.FromSeconds(3));
        }
        // ... and one whose connection ends inside the message is just gone: a dropped connection is not misbehaviour.
        var closing = await _net.ConnectedAttackerAsync();
        await closing.SendRawAsync(HostilePeer.Frame(Magic, "tx", 100, 0, new byte[10]));
        closing.Close();
        await _net.WaitUntilAsync(() => _net.VictimSideOf(closing) is null, TimeSpan.FromSeconds(5), "the victim to drop the closed connection");
        Assert.That(_net.LoopbackBanned, Is.False, "a connection that closes mid-message is disconnected, not banned");
        await closing.DisposeAsync();
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task SlowDripIsCutByTheMessageReadTimeout()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        byte[] frame = attacker.Frame(new PingMessage(false, 7));
        var interval = TimeSpan.FromMilliseconds(250);
        Assert.That(interval * frame.Length, Is.GreaterThan(HostileNetwork.VictimTimeouts.MessageRead * 2), "the whole drip takes far longer than the timeout");

        var disconnected = attacker.WaitForDisconnectAsync(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        int sent = 0;
        while (sent < frame.Length && !disconnected.IsCompleted)
        {
            try
            {
                await attacker.SendRawAsync(frame.AsMemory(sent, 1));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                break;
            }
            sent++;
            await Task.WhenAny(disconnected, Task.Delay(interval));
        }
        Assert.That(await disconnected, Is.True, "the node closes a dripping connection");
        var elapsed = clock.Elapsed;
        Assert.That(sent, Is.LessThan(frame.Length), "cut before the message was complete");
        Assert.That(elapsed, Is.GreaterThan(HostileNetwork.VictimTimeouts.MessageRead - TimeSpan.FromMilliseconds(500)));
        Assert.That(elapsed, Is.LessThan(HostileNetwork.VictimTimeouts.MessageRead + TimeSpan.FromSeconds(2)), "cut by MessageRead, not later");
        await _net.AssertDisconnectedNotBannedAsync(attacker, TimeSpan.FromSeconds(1));
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task MessageBeforeHandshakeIsDisconnected()
    {
        await using var attacker = await _net.ConnectAttackerAsync();
        await attacker.SendAsync(new PingMessage(false, 1));
        // Well before the handshake timeout: the ping itself ends the connection.
        await _net.AssertDisconnectedNotBannedAsync(attacker, HostileNetwork.VictimTimeouts.Handshake - TimeSpan.FromSeconds(1));
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    // ---------------------------------------------------------------- blocks and headers

    [Test]
    public async Task UnsolicitedBlockWithAnInvalidProofIsBannedAndNotConnected()
    {
        var tipBefore = _net.Victim.Host.Chain.Tip;
        var (_, corrupted) = _net.ForgeNextBlock();
        await using var attacker = await _net.ConnectedAttackerAsync();
        await attacker.SendAsync(new BlockMessage(corrupted));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        Assert.That(_net.Victim.Host.Chain.Tip.Hash, Is.EqualTo(tipBefore.Hash), "the victim's tip did not move");
        Assert.That(_net.Victim.Host.Chain.GetHeader(corrupted.Header.Hash), Is.Null, "the block was not stored");
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task HeaderWhoseProofFailsTheCheapCheckIsBanned()
    {
        var (_, corrupted) = _net.ForgeNextBlock();
        await using var attacker = await _net.ConnectedAttackerAsync();
        await attacker.SendAsync(new HeadersMessage([ProofCarryingHeader.Of(corrupted)]));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        Assert.That(_net.VictimNetwork.Peers.Sync.IsKnown(corrupted.Header.Hash), Is.False, "the header did not enter the header tree");
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task HeaderWithForgedVdfEvidenceIsBannedAndTheHonestBlockStillComes()
    {
        // The honest block's header with its π changed (one flipped bit): the header rules reject it (bad-vdf-…), the
        // sender is banned, and the same header with its honest evidence is still accepted afterwards, because a
        // failure of the evidence (which the block hash does not cover) is not remembered against the hash.
        var (honest, _) = _net.ForgeNextBlock();
        byte[] forged = (byte[])honest.VdfProof.Clone();
        forged[^1] ^= 1;
        await using (var attacker = await _net.ConnectedAttackerAsync())
        {
            await attacker.SendAsync(new HeadersMessage([new ProofCarryingHeader(honest.Header, forged, honest.Proof)]));
            await _net.AssertDisconnectedAndBannedAsync(attacker);
        }
        Assert.That(_net.VictimNetwork.Peers.Sync.IsKnown(honest.Header.Hash), Is.False, "the header did not enter the header tree");
        var accepted = _net.Victim.Host.Chain.AcceptBlock(honest, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.That(accepted.Status, Is.EqualTo(TensorCash.Node.Chainstate.BlockAcceptStatus.ActiveChain), accepted.Violation?.ToString());
    }

    [Test]
    public async Task FloodOfUnconnectingHeadersIsBanned()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        var genesis = ChainParams.Regtest.Genesis.Header;
        HeadersMessage Unconnecting() => new([new ProofCarryingHeader(genesis with { PrevBlock = RandomHash() }, [], [])]);

        for (int i = 0; i < ProtocolLimits.MaxUnconnectingHeadersMessages; i++) await attacker.SendAsync(Unconnecting());
        var answers = await attacker.SyncAsync(TimeSpan.FromSeconds(5));
        Assert.That(answers.OfType<GetHeadersMessage>().Count(), Is.EqualTo(ProtocolLimits.MaxUnconnectingHeadersMessages),
            "up to the limit, each unconnecting message is answered with getheaders (a reorganisation may need a few)");
        Assert.That(_net.LoopbackBanned, Is.False);

        await attacker.SendAsync(Unconnecting());
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    // ---------------------------------------------------------------- inventory

    [Test]
    public async Task InvFloodIsBoundedAndOversizeInvIsBanned()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        const int perMessage = 4000, messages = 3;
        var announced = new HashSet<Hash256>();
        for (int i = 0; i < messages; i++)
        {
            var inv = Inventory(InventoryMessage.Inv, perMessage);
            foreach (var item in inv.Items) announced.Add(item.Hash);
            await attacker.SendAsync(inv);
        }
        var answers = await attacker.SyncAsync(TimeSpan.FromSeconds(10));
        var requested = answers.OfType<InventoryMessage>().Where(m => m.Name == InventoryMessage.GetData).SelectMany(m => m.Items).ToList();
        Assert.That(requested, Has.All.Matches<InventoryItem>(item => item.Type == InventoryType.Transaction && announced.Contains(item.Hash)));
        Assert.That(requested.Select(i => i.Hash).Distinct().Count(), Is.EqualTo(requested.Count), "nothing asked twice");
        Assert.That(requested, Has.Count.EqualTo(ProtocolLimits.MaxTransactionsInFlightPerPeer),
            $"{messages * perMessage} announced; at most MaxTransactionsInFlightPerPeer asked for");
        Assert.That(_net.LoopbackBanned, Is.False, "valid-size announcements are not misbehaviour");

        await attacker.SendAsync(Inventory(InventoryMessage.Inv, ProtocolLimits.MaxInvEntries + 1));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    [Test]
    public async Task GetDataForUnknownItemsIsNotFoundAndOversizeGetDataIsBanned()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        var unknown = new InventoryMessage(InventoryMessage.GetData,
            [new(InventoryType.Transaction, RandomHash()), new(InventoryType.Block, RandomHash()), new(InventoryType.Transaction, RandomHash())]);
        await attacker.SendAsync(unknown);
        var answers = await attacker.ReadUntilAsync(m => m is InventoryMessage { Name: InventoryMessage.NotFound }, TimeSpan.FromSeconds(5));
        var notFound = (InventoryMessage)answers[^1];
        Assert.That(notFound.Items, Is.EqualTo(unknown.Items), "notfound lists exactly what was asked for");
        Assert.That(answers.OfType<BlockMessage>().Concat<NetworkMessage>(answers.OfType<TransactionMessage>()), Is.Empty);
        await attacker.SyncAsync(TimeSpan.FromSeconds(5)); // still connected

        await attacker.SendAsync(Inventory(InventoryMessage.GetData, ProtocolLimits.MaxInvEntries + 1));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }

    // ---------------------------------------------------------------- addresses

    [Test]
    public async Task AddrFloodIsRateLimitedAndOversizeAddrIsBanned()
    {
        await using var attacker = await _net.ConnectedAttackerAsync();
        var addresses = _net.VictimNetwork.Addresses;
        int before = addresses.Count;
        const int messages = 10;
        uint now = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        AddrMessage Addr(int first, int count) => new(Enumerable.Range(first, count).Select(k =>
            new WireAddress(now, ServiceFlags.Network, new IPEndPoint(new IPAddress([10, (byte)(k >> 16), (byte)(k >> 8), (byte)k]), 8333))).ToList());

        for (int i = 0; i < messages; i++) await attacker.SendAsync(Addr(i * ProtocolLimits.MaxAddrEntries, ProtocolLimits.MaxAddrEntries));
        await attacker.SyncAsync(TimeSpan.FromSeconds(10));

        var side = _net.VictimSideOf(attacker);
        Assert.That(side, Is.Not.Null);
        long sent = messages * ProtocolLimits.MaxAddrEntries;
        // The bucket's burst is MaxAddrEntries and it refills at AddrRatePerSecond: the rest of the flood is dropped.
        Assert.That(side!.AddrDropped, Is.InRange(sent - ProtocolLimits.MaxAddrEntries - 10, sent - ProtocolLimits.MaxAddrEntries),
            "about one burst of entries processed, the rest dropped");
        Assert.That(addresses.Count - before, Is.InRange(1, ProtocolLimits.MaxAddrEntries), "the table grew by at most the burst, not by the flood");
        Assert.That(_net.LoopbackBanned, Is.False, "a fast addr sender is throttled, not punished");

        await attacker.SendAsync(Addr(0, ProtocolLimits.MaxAddrEntries + 1));
        await _net.AssertDisconnectedAndBannedAsync(attacker);
        await _net.AssertHonestPeerKeepsSyncingAsync();
    }
}
