using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.P2p.Protocol;

/// <summary>
/// Payload bytes to a <see cref="NetworkMessage"/>, with every list capped before it is allocated (a count over its
/// cap is <see cref="MisbehaviourKind.Oversize"/>) and trailing bytes refused (<see cref="MisbehaviourKind.Malformed"/>).
/// </summary>
public static class MessageDecoder
{
    public static NetworkMessage Decode(string command, ReadOnlySpan<byte> payload)
    {
        var reader = new ChainReader(payload);
        NetworkMessage message;
        try
        {
            message = command switch
            {
                VersionMessage.Name => ReadVersion(ref reader),
                EmptyMessage.Verack or EmptyMessage.GetAddr => new EmptyMessage(command),
                PingMessage.PingName => new PingMessage(false, reader.U64("ping nonce")),
                PingMessage.PongName => new PingMessage(true, reader.U64("pong nonce")),
                AddrMessage.Name => ReadAddr(ref reader),
                InventoryMessage.Inv or InventoryMessage.GetData or InventoryMessage.NotFound => ReadInventory(command, ref reader),
                GetHeadersMessage.Name => ReadGetHeaders(ref reader),
                HeadersMessage.Name => ReadHeaders(ref reader),
                BlockMessage.Name => new BlockMessage(Block.Deserialize(payload)),
                TransactionMessage.Name => new TransactionMessage(Transaction.ReadFrom(ref reader)),
                FraudProofMessage.Name => new FraudProofMessage(reader.Hash("fraudproof block"), reader.VarBytes("fraudproof challenge", ProtocolLimits.MaxFraudProofBytes)),
                _ => new UnknownMessage(command, payload.Length),
            };
            if (message is not BlockMessage and not UnknownMessage) reader.ExpectEnd(command);
        }
        catch (ChainFormatException e)
        {
            var kind = e.LimitExceeded ? MisbehaviourKind.Oversize : MisbehaviourKind.Malformed;
            throw new PeerMisbehaviourException(kind, $"'{command}' ({payload.Length} bytes) does not decode: {e.Message}");
        }
        return message;
    }

    private static VersionMessage ReadVersion(ref ChainReader reader)
    {
        int version = reader.I32("version");
        var services = (ServiceFlags)reader.U64("services");
        long timestamp = reader.I64("timestamp");
        ulong nonce = reader.U64("nonce");
        byte[] agent = reader.VarBytes("user agent", ProtocolLimits.MaxUserAgentBytes);
        int height = reader.I32("start height");
        ushort port = reader.U16("listen port");
        byte relay = reader.U8("relay");
        if (relay > 1) throw new ChainFormatException($"relay flag {relay} is not 0 or 1");
        string userAgent;
        try
        {
            userAgent = StrictUtf8.GetString(agent);
        }
        catch (System.Text.DecoderFallbackException)
        {
            // Decoding leniently would replace the bad bytes, so two payloads would decode to one message.
            throw new ChainFormatException("user agent is not valid UTF-8");
        }
        return new VersionMessage(version, services, timestamp, nonce, userAgent, height, port, relay == 1);
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static AddrMessage ReadAddr(ref ChainReader reader)
    {
        int count = (int)reader.CompactSize("addr count", ProtocolLimits.MaxAddrEntries);
        var addresses = new WireAddress[count];
        for (int i = 0; i < count; i++) addresses[i] = WireAddress.ReadFrom(ref reader);
        return new AddrMessage(addresses);
    }

    private static InventoryMessage ReadInventory(string command, ref ChainReader reader)
    {
        int count = (int)reader.CompactSize($"{command} count", ProtocolLimits.MaxInvEntries);
        var items = new InventoryItem[count];
        for (int i = 0; i < count; i++)
        {
            uint type = reader.U32($"{command} type");
            if (type is not ((uint)InventoryType.Transaction or (uint)InventoryType.Block))
                throw new ChainFormatException($"{command} entry {i} has unknown type {type}");
            items[i] = new InventoryItem((InventoryType)type, reader.Hash($"{command} hash"));
        }
        return new InventoryMessage(command, items);
    }

    private static GetHeadersMessage ReadGetHeaders(ref ChainReader reader)
    {
        int version = reader.I32("getheaders version");
        int count = (int)reader.CompactSize("getheaders locator count", ProtocolLimits.MaxLocatorHashes);
        var locator = new Hash256[count];
        for (int i = 0; i < count; i++) locator[i] = reader.Hash("getheaders locator");
        return new GetHeadersMessage(version, locator, reader.Hash("getheaders stop"));
    }

    private static HeadersMessage ReadHeaders(ref ChainReader reader)
    {
        int count = (int)reader.CompactSize("headers count", ProtocolLimits.MaxHeadersPerMessage);
        var headers = new ProofCarryingHeader[count];
        for (int i = 0; i < count; i++)
        {
            var header = BlockHeader.ReadFrom(ref reader);
            var vdf = reader.VarBytes("header VDF evidence", Block.MaxVdfProofBytes);
            headers[i] = new ProofCarryingHeader(header, vdf, reader.VarBytes("header proof", Block.MaxProofBytes));
        }
        return new HeadersMessage(headers);
    }
}
