using System.Net;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Tests.Node.P2p;

/// <summary>The wire format (docs/protocol/p2p.md §3–4): framing, every message's round trip, and every decoding rejection.</summary>
public class ProtocolCodecTests
{
    private static readonly uint Magic = ChainParams.Regtest.MessageStart;

    /// <summary>docs/protocol/p2p.md §3's vector: a regtest verack, whose checksum is SHA-256d("")'s first 4 bytes.</summary>
    [Test]
    public void VerackFrameMatchesTheSpecVector()
    {
        var frame = new byte[MessageHeader.Size];
        MessageHeader.For(Magic, "verack", []).WriteTo(frame);
        Assert.That(Convert.ToHexStringLower(frame), Is.EqualTo("7edab5fa" + "76657261636b000000000000" + "00000000" + "5df6e0e2"));
    }

    [Test]
    public void RandomMessagesRoundTripThroughFramingAndDecoding() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var message = RandomMessage(new Random(seed));
            byte[] payload = message.Payload();
            var frame = new byte[MessageHeader.Size];
            MessageHeader.For(Magic, message.Command, payload).WriteTo(frame);
            var header = MessageHeader.Parse(frame, Magic);
            Assert.That(header.Command, Is.EqualTo(message.Command));
            Assert.That(header.Length, Is.EqualTo(payload.Length));
            Assert.That(header.Checksum, Is.EqualTo(MessageHeader.ChecksumOf(payload)));
            var decoded = MessageDecoder.Decode(header.Command, payload);
            Assert.That(decoded.GetType(), Is.EqualTo(message.GetType()));
            Assert.That(Convert.ToHexStringLower(decoded.Payload()), Is.EqualTo(Convert.ToHexStringLower(payload)), message.Command);
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void AnotherNetworksMagicIsRefused()
    {
        var frame = new byte[MessageHeader.Size];
        MessageHeader.For(ChainParams.Main.MessageStart, "verack", []).WriteTo(frame);
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageHeader.Parse(frame, Magic))!.Kind, Is.EqualTo(MisbehaviourKind.BadMagic));
    }

    [TestCase("VERACK")]
    [TestCase("ver ack")]
    public void ACommandOutsideLowercaseAsciiIsMalformed(string command)
    {
        var frame = new byte[MessageHeader.Size];
        MessageHeader.For(Magic, command, []).WriteTo(frame);
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageHeader.Parse(frame, Magic))!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void BytesAfterTheCommandsNulPaddingAreMalformed()
    {
        var frame = new byte[MessageHeader.Size];
        MessageHeader.For(Magic, "ping", []).WriteTo(frame);
        frame[4 + 6] = (byte)'x'; // "ping\0\0x"
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageHeader.Parse(frame, Magic))!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void ALengthOverTheCapIsOversizeBeforeAnyPayloadIsRead()
    {
        var frame = new byte[MessageHeader.Size];
        new MessageHeader(Magic, "block", ProtocolLimits.MaxMessageBytes + 1, 0).WriteTo(frame);
        var e = Assert.Throws<PeerMisbehaviourException>(() => MessageHeader.Parse(frame, Magic))!;
        Assert.That(e.Kind, Is.EqualTo(MisbehaviourKind.Oversize));
        Assert.That(Misbehaviour.Score(e.Kind), Is.EqualTo(ProtocolLimits.BanScore));
    }

    [TestCase(InventoryMessage.Inv, ProtocolLimits.MaxInvEntries)]
    [TestCase(InventoryMessage.GetData, ProtocolLimits.MaxInvEntries)]
    [TestCase(InventoryMessage.NotFound, ProtocolLimits.MaxInvEntries)]
    [TestCase(AddrMessage.Name, ProtocolLimits.MaxAddrEntries)]
    [TestCase(HeadersMessage.Name, ProtocolLimits.MaxHeadersPerMessage)]
    public void ACountOverItsCapIsOversizeBeforeTheListIsAllocated(string command, int cap)
    {
        var payload = new ChainWriter().CompactSize((ulong)cap + 1).ToArray(); // the entries are not even there
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(command, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Oversize));
    }

    [Test]
    public void ALocatorOverItsCapIsOversize()
    {
        var payload = new ChainWriter().I32(1).CompactSize(ProtocolLimits.MaxLocatorHashes + 1).ToArray();
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(GetHeadersMessage.Name, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Oversize));
    }

    [Test]
    public void TrailingBytesAreMalformed()
    {
        byte[] payload = [.. new PingMessage(false, 7).Payload(), 0];
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(PingMessage.PingName, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void ATruncatedPayloadIsMalformed()
    {
        var payload = new InventoryMessage(InventoryMessage.Inv, [new InventoryItem(InventoryType.Block, Hashes.Sha256d([1]))]).Payload();
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(InventoryMessage.Inv, payload.AsSpan(0, payload.Length - 1)))!.Kind,
            Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void AnUnknownInventoryTypeIsMalformed()
    {
        var payload = new ChainWriter().CompactSize(1).U32(3).Hash(Hash256.Zero).ToArray();
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(InventoryMessage.GetData, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void ARelayFlagOtherThanZeroOrOneIsMalformed()
    {
        var payload = new VersionMessage(1, ServiceFlags.Network, 0, 1, "/x/", 0, 0, true).Payload();
        payload[^1] = 2;
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(VersionMessage.Name, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
    }

    [Test]
    public void AUserAgentOverItsCapIsOversize()
    {
        var payload = new VersionMessage(1, ServiceFlags.Network, 0, 1, new string('a', ProtocolLimits.MaxUserAgentBytes + 1), 0, 0, true).Payload();
        Assert.That(Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode(VersionMessage.Name, payload))!.Kind, Is.EqualTo(MisbehaviourKind.Oversize));
    }

    [Test]
    public void AnUnknownCommandIsIgnoredNotPunished()
    {
        var decoded = MessageDecoder.Decode("sendcmpct", [1, 2, 3]);
        Assert.That(decoded, Is.InstanceOf<UnknownMessage>());
    }

    [Test]
    public void AnIPv4AddressTravelsAsMappedIPv6WithABigEndianPort()
    {
        var writer = new ChainWriter();
        new WireAddress(5, ServiceFlags.Network, new IPEndPoint(IPAddress.Parse("127.0.0.1"), 0x1234)).WriteTo(writer);
        Assert.That(Convert.ToHexStringLower(writer.Written), Is.EqualTo("05000000" + "0100000000000000" + "00000000000000000000ffff7f000001" + "1234"));
    }

    [Test]
    public void TheLargestValidBlockFitsOneMessage() =>
        Assert.That(ChainParams.Main.MaxBlockBytes + Block.MaxProofBytes + 16, Is.LessThanOrEqualTo(ProtocolLimits.MaxMessageBytes));

    private static NetworkMessage RandomMessage(Random random)
    {
        Hash256 RandomHash()
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return new Hash256(bytes);
        }
        byte[] RandomBytes(int max)
        {
            var bytes = new byte[random.Next(max + 1)];
            random.NextBytes(bytes);
            return bytes;
        }
        BlockHeader RandomHeader() => new(random.Next(), RandomHash(), RandomHash(), (uint)random.Next(), (uint)random.Next(), (uint)random.Next(), RandomHash(), RandomHash(), (uint)random.Next(), RandomHash(), (uint)random.Next());
        Transaction RandomTransaction() => new(random.Next(1, 3), [new TxIn(new OutPoint(RandomHash(), (uint)random.Next(10)), RandomBytes(40), (uint)random.Next())],
            [new TxOut(random.Next(1, 1_000_000), RandomBytes(30))], (uint)random.Next());
        IPEndPoint RandomEndpoint() => random.Next(2) == 0
            ? new IPEndPoint(new IPAddress([10, (byte)random.Next(256), (byte)random.Next(256), 1]), random.Next(1, 65536))
            : new IPEndPoint(new IPAddress([0x20, 0x01, 0x0d, 0xb8, .. RandomBytesExactly(random, 12)]), random.Next(1, 65536));
        switch (random.Next(13))
        {
            case 0: return new VersionMessage(random.Next(), (ServiceFlags)(ulong)random.NextInt64(), random.NextInt64(), (ulong)random.NextInt64(), "/TensorCash:" + random.Next() + "/", random.Next(), (ushort)random.Next(65536), random.Next(2) == 0);
            case 1: return new EmptyMessage(random.Next(2) == 0 ? EmptyMessage.Verack : EmptyMessage.GetAddr);
            case 2: return new PingMessage(random.Next(2) == 0, (ulong)random.NextInt64());
            case 3: return new AddrMessage(Enumerable.Range(0, random.Next(20)).Select(_ => new WireAddress((uint)random.Next(), (ServiceFlags)(ulong)random.Next(4), RandomEndpoint())).ToList());
            case 4:
            case 5:
            {
                string name = new[] { InventoryMessage.Inv, InventoryMessage.GetData, InventoryMessage.NotFound }[random.Next(3)];
                return new InventoryMessage(name, Enumerable.Range(0, random.Next(300)).Select(_ => new InventoryItem(random.Next(2) == 0 ? InventoryType.Block : InventoryType.Transaction, RandomHash())).ToList());
            }
            case 6: return new GetHeadersMessage(random.Next(), Enumerable.Range(0, random.Next(ProtocolLimits.MaxLocatorHashes + 1)).Select(_ => RandomHash()).ToList(), RandomHash());
            case 7:
            case 8: return new HeadersMessage(Enumerable.Range(0, random.Next(5)).Select(_ => new ProofCarryingHeader(RandomHeader(), RandomBytes(Block.MaxVdfProofBytes), RandomBytes(3000))).ToList());
            case 9: return new BlockMessage(new Block(RandomHeader(), RandomBytes(Block.MaxVdfProofBytes), Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomTransaction()).ToList(), RandomBytes(5000)));
            case 10: return new TransactionMessage(RandomTransaction());
            default: return new FraudProofMessage(RandomHash(), RandomBytes(2000));
        }
    }

    private static byte[] RandomBytesExactly(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
