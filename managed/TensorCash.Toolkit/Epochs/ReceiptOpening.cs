using TensorCash.Proof;
using TensorCash.Toolkit.Receipts;

namespace TensorCash.Toolkit.Epochs;

/// <summary>
/// A node's answer to a sampled job: the receipt at <see cref="JobIndex"/> with its path in the receipts tree, and the
/// sampled position of its trace: the 32-byte step leaf (the proof core's StepLeaf hash, which commits the position's
/// context, token, top-K evidence and logit sketch) with its path under the receipt's trace commitment.
/// Encoded (version 1) as "TSCO" || u16 version || u32 job || u16 len || receipt || u8 n || n x 32 path || u32 position
/// || leaf (32) || u8 m || m x 32 path.
/// </summary>
public sealed record ReceiptOpening(uint JobIndex, byte[] ReceiptBytes, IReadOnlyList<byte[]> ReceiptPath, uint Position, byte[] PositionLeaf, IReadOnlyList<byte[]> PositionPath)
{
    public const ushort Version = 1;
    public static ReadOnlySpan<byte> Magic => "TSCO"u8;

    public byte[] Encode()
    {
        if (ReceiptBytes.Length > ReceiptLimits.MaxReceiptBytes) throw new ArgumentException("receipt exceeds the receipt size limit");
        var writer = new LittleEndianWriter(ReceiptBytes.Length + 2048).Bytes(Magic).U16(Version).U32(JobIndex).U16((ushort)ReceiptBytes.Length).Bytes(ReceiptBytes);
        AppendPath(writer, ReceiptPath).U32(Position).Bytes(PositionLeaf);
        return AppendPath(writer, PositionPath).ToArray();
    }

    public static ReceiptOpening Decode(byte[] bytes)
    {
        var reader = new ToolkitReader(bytes, "receipt opening");
        if (reader.Remaining < 4 || !reader.Bytes(4).AsSpan().SequenceEqual(Magic)) throw reader.Fail("not a receipt opening (magic \"TSCO\" missing)");
        var version = reader.U16();
        if (version != Version) throw reader.Fail($"version {version} is not supported (this build reads version {Version})");
        var job = reader.U32();
        var receipt = reader.Medium(ReceiptLimits.MaxReceiptBytes);
        var receiptPath = reader.HashList(ReceiptLimits.MaxPathLength);
        var position = reader.U32();
        var leaf = reader.Bytes(32);
        var positionPath = reader.HashList(ReceiptLimits.MaxPathLength);
        reader.End();
        return new ReceiptOpening(job, receipt, receiptPath, position, leaf, positionPath);
    }

    private static LittleEndianWriter AppendPath(LittleEndianWriter writer, IReadOnlyList<byte[]> path)
    {
        if (path.Count > ReceiptLimits.MaxPathLength || path.Any(node => node.Length != 32))
            throw new ArgumentException($"a path is at most {ReceiptLimits.MaxPathLength} nodes of 32 bytes");
        writer.U8((byte)path.Count);
        foreach (var node in path) writer.Bytes(node);
        return writer;
    }
}
