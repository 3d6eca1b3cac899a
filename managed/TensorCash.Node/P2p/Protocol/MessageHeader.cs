using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorCash.Node.P2p.Protocol;

/// <summary>
/// Bitcoin's 24-byte message framing:
/// <code>
///   offset size field
///        0    4 magic     the network's MessageStart, u32 little-endian
///        4   12 command   ASCII [a-z0-9], NUL-padded, at least one letter
///       16    4 length    payload bytes, u32 little-endian, at most ProtocolLimits.MaxMessageBytes
///       20    4 checksum  the first 4 bytes of SHA-256d(payload)
/// </code>
/// The length is checked here, before the payload is read, so a peer cannot make the node allocate more.
/// </summary>
public readonly record struct MessageHeader(uint Magic, string Command, int Length, uint Checksum)
{
    public const int Size = 24;
    public const int CommandBytes = 12;

    public static MessageHeader For(uint magic, string command, ReadOnlySpan<byte> payload) =>
        new(magic, command, payload.Length, ChecksumOf(payload));

    public static uint ChecksumOf(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        SHA256.HashData(hash, hash);
        return BinaryPrimitives.ReadUInt32LittleEndian(hash);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        var command = destination.Slice(4, CommandBytes);
        command.Clear();
        for (int i = 0; i < Command.Length; i++) command[i] = (byte)Command[i];
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Checksum);
    }

    /// <summary>
    /// Parses and checks a header for a node on <paramref name="expectedMagic"/>; a violation names what was wrong.
    /// </summary>
    public static MessageHeader Parse(ReadOnlySpan<byte> bytes, uint expectedMagic, int maxLength = ProtocolLimits.MaxMessageBytes)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (magic != expectedMagic)
            throw new PeerMisbehaviourException(MisbehaviourKind.BadMagic, $"message start {magic:x8} is not this network's {expectedMagic:x8}");
        var command = bytes.Slice(4, CommandBytes);
        int end = command.IndexOf((byte)0);
        if (end < 0) end = CommandBytes;
        if (end == 0 || command[end..].ContainsAnyExcept((byte)0) || command[..end].ContainsAnyExcept(CommandAlphabet))
            throw new PeerMisbehaviourException(MisbehaviourKind.Malformed, $"the command field {Convert.ToHexStringLower(command)} is not NUL-padded lowercase ASCII");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        string name = System.Text.Encoding.ASCII.GetString(command[..end]);
        if (length > (uint)maxLength)
            throw new PeerMisbehaviourException(MisbehaviourKind.Oversize, $"'{name}' declares {length} payload bytes; the limit is {maxLength}");
        return new MessageHeader(magic, name, (int)length, BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]));
    }

    private static readonly System.Buffers.SearchValues<byte> CommandAlphabet =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789"u8);
}
