using TensorCash.Chain.Consensus;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.FuzzTargets;

/// <summary>
/// A peer-to-peer message as read off a socket: the 24-byte header (MessageHeader.Parse on regtest's magic), then
/// its payload (the rest of the input; the checksum is not checked, so mutations reach the decoder) through
/// MessageDecoder.Decode. Every decoded message must re-encode to its payload.
/// </summary>
public static class P2pMessageTarget
{
    public static readonly uint Magic = ChainParams.Regtest.MessageStart;

    public static FuzzTarget Create() => new("p2p", "MessageHeader.Parse + MessageDecoder.Decode", Probe, typeof(PeerMisbehaviourException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        if (input.Length < MessageHeader.Size) return; // the connection reads exactly 24 bytes before parsing
        var header = MessageHeader.Parse(input[..MessageHeader.Size], Magic);
        var payload = input[MessageHeader.Size..];
        var message = MessageDecoder.Decode(header.Command, payload);
        if (message is UnknownMessage) return;
        RoundTrip.Expect(payload, message.Payload(), $"'{header.Command}' payload");
    }
}
