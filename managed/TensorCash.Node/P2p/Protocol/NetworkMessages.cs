using System.Net;
using System.Net.Sockets;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;
using TensorCash.Node.P2p;

namespace TensorCash.Node.P2p.Protocol;

/// <summary>Service bits of the version message: what a peer offers (feature negotiation, docs/protocol/p2p.md §3).</summary>
[Flags]
public enum ServiceFlags : ulong
{
    None = 0,
    /// <summary>Serves every block of its active chain (getdata block, getheaders).</summary>
    Network = 1,
    /// <summary>Replays every proof step (no sampling) and relays the fraud proofs it builds.</summary>
    FullReplay = 2,
}

/// <summary>
/// One peer-to-peer message: its command and payload encoding (docs/protocol/p2p.md §4 has every byte layout).
/// <see cref="MessageDecoder"/> is the inverse, with every list capped.
/// </summary>
public abstract record NetworkMessage
{
    public abstract string Command { get; }
    public abstract void WritePayload(ChainWriter writer);

    public byte[] Payload()
    {
        var writer = new ChainWriter();
        WritePayload(writer);
        return writer.ToArray();
    }
}

/// <summary>
/// The first message on a connection. <see cref="Nonce"/> is random per outbound connection: a node that receives its
/// own nonce has connected to itself. <see cref="ListenPort"/> (0 = not listening) lets the peer learn where this node
/// accepts connections, since an inbound socket's source port is ephemeral.
/// </summary>
public sealed record VersionMessage(int Version, ServiceFlags Services, long Timestamp, ulong Nonce, string UserAgent,
    int StartHeight, ushort ListenPort, bool Relay) : NetworkMessage
{
    public const string Name = "version";
    public override string Command => Name;

    public override void WritePayload(ChainWriter writer)
    {
        byte[] agent = System.Text.Encoding.UTF8.GetBytes(UserAgent);
        writer.I32(Version).U64((ulong)Services).I64(Timestamp).U64(Nonce).VarBytes(agent).I32(StartHeight).U16(ListenPort).U8(Relay ? (byte)1 : (byte)0);
    }
}

/// <summary>A message with no payload: verack, getaddr.</summary>
public sealed record EmptyMessage(string Name) : NetworkMessage
{
    public const string Verack = "verack";
    public const string GetAddr = "getaddr";
    public override string Command => Name;
    public override void WritePayload(ChainWriter writer) { }
}

/// <summary>ping and pong: a nonce the pong echoes.</summary>
public sealed record PingMessage(bool IsPong, ulong Nonce) : NetworkMessage
{
    public const string PingName = "ping";
    public const string PongName = "pong";
    public override string Command => IsPong ? PongName : PingName;
    public override void WritePayload(ChainWriter writer) => writer.U64(Nonce);
}

/// <summary>An address as Bitcoin writes it: last-seen time, services, 16-byte IPv6 (IPv4 mapped), big-endian port.</summary>
public sealed record WireAddress(uint Time, ServiceFlags Services, IPEndPoint Endpoint)
{
    public const int Size = 30;

    public void WriteTo(ChainWriter writer)
    {
        writer.U32(Time).U64((ulong)Services);
        var address = Endpoint.Address.AddressFamily == AddressFamily.InterNetwork ? Endpoint.Address.MapToIPv6() : Endpoint.Address;
        writer.Raw(address.GetAddressBytes());
        writer.U8((byte)(Endpoint.Port >> 8)).U8((byte)Endpoint.Port);
    }

    public static WireAddress ReadFrom(ref ChainReader reader)
    {
        uint time = reader.U32("addr time");
        var services = (ServiceFlags)reader.U64("addr services");
        var ip = AddressRules.Normalize(new IPAddress(reader.Raw(16, "addr ip")));
        int port = reader.U8("addr port") << 8;
        port |= reader.U8("addr port");
        return new WireAddress(time, services, new IPEndPoint(ip, port));
    }
}

public sealed record AddrMessage(IReadOnlyList<WireAddress> Addresses) : NetworkMessage
{
    public const string Name = "addr";
    public override string Command => Name;

    public override void WritePayload(ChainWriter writer)
    {
        writer.CompactSize((ulong)Addresses.Count);
        foreach (var address in Addresses) address.WriteTo(writer);
    }
}

public enum InventoryType : uint
{
    Transaction = 1,
    Block = 2,
}

public readonly record struct InventoryItem(InventoryType Type, Hash256 Hash)
{
    public const int Size = 36;
}

/// <summary>inv (announce), getdata (request) and notfound (cannot serve): a list of typed hashes.</summary>
public sealed record InventoryMessage(string Name, IReadOnlyList<InventoryItem> Items) : NetworkMessage
{
    public const string Inv = "inv";
    public const string GetData = "getdata";
    public const string NotFound = "notfound";
    public override string Command => Name;

    public override void WritePayload(ChainWriter writer)
    {
        writer.CompactSize((ulong)Items.Count);
        foreach (var item in Items) writer.U32((uint)item.Type).Hash(item.Hash);
    }
}

/// <summary>
/// getheaders: a block locator (hashes of the requester's active chain, dense near the tip, then exponentially
/// sparser, genesis last) and a stop hash (zero for as many as fit).
/// </summary>
public sealed record GetHeadersMessage(int Version, IReadOnlyList<Hash256> Locator, Hash256 Stop) : NetworkMessage
{
    public const string Name = "getheaders";
    public override string Command => Name;

    public override void WritePayload(ChainWriter writer)
    {
        writer.I32(Version).CompactSize((ulong)Locator.Count);
        foreach (var hash in Locator) writer.Hash(hash);
        writer.Hash(Stop);
    }
}

/// <summary>
/// A proof-carrying header: the header, its VDF evidence (y || π, which the header rules check against v) and the
/// encoded transcript its commitment and nonce come from. A header alone proves nothing here (its commitment is free,
/// and so is the hash that meets the target), so the receiver runs the header rules, the VDF included, and the cheap
/// window check (tier 1, BlockProofRules.CheckProof) on these bytes before it asks for the block.
/// Encoding: header || CompactSize || VDF evidence || CompactSize || proof.
/// </summary>
public sealed record ProofCarryingHeader(BlockHeader Header, byte[] VdfProof, byte[] Proof)
{
    public static ProofCarryingHeader Of(Block block) => new(block.Header, block.VdfProof, block.Proof);

    public int EncodedSize => BlockHeader.Size + ChainWriter.CompactSizeLength((ulong)VdfProof.Length) + VdfProof.Length
        + ChainWriter.CompactSizeLength((ulong)Proof.Length) + Proof.Length;
}

public sealed record HeadersMessage(IReadOnlyList<ProofCarryingHeader> Headers) : NetworkMessage
{
    public const string Name = "headers";
    public override string Command => Name;

    public override void WritePayload(ChainWriter writer)
    {
        writer.CompactSize((ulong)Headers.Count);
        foreach (var entry in Headers)
        {
            entry.Header.WriteTo(writer);
            writer.VarBytes(entry.VdfProof);
            writer.VarBytes(entry.Proof);
        }
    }
}

public sealed record BlockMessage(Block Block) : NetworkMessage
{
    public const string Name = "block";
    public override string Command => Name;
    public override void WritePayload(ChainWriter writer) => writer.Raw(Block.Serialize());
}

public sealed record TransactionMessage(Transaction Transaction) : NetworkMessage
{
    public const string Name = "tx";
    public override string Command => Name;
    public override void WritePayload(ChainWriter writer) => Transaction.WriteTo(writer);
}

/// <summary>
/// A fraud proof (an encoded ReplayChallenge) against the block <see cref="BlockHash"/>: a step of its committed window
/// that does not replay. Relayed by nodes that confirmed it, so sampling nodes invalidate a block full nodes rejected.
/// </summary>
public sealed record FraudProofMessage(Hash256 BlockHash, byte[] Challenge) : NetworkMessage
{
    public const string Name = "fraudproof";
    public override string Command => Name;
    public override void WritePayload(ChainWriter writer) => writer.Hash(BlockHash).VarBytes(Challenge);
}

/// <summary>A command this node does not know: ignored, as Bitcoin does, so newer peers can add messages.</summary>
public sealed record UnknownMessage(string Name, int Length) : NetworkMessage
{
    public override string Command => Name;
    public override void WritePayload(ChainWriter writer) => throw new InvalidOperationException("unknown messages are never sent");
}
