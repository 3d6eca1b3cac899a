using System.Security.Cryptography;
using TensorCash.Proof;
using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Signatures;

namespace TensorCash.Toolkit.Epochs;

/// <summary>
/// The paper's once-per-epoch on-chain write: {node id, epoch, receipts root, total work units, number of jobs, DA
/// pointer}. Encoded (version 1) as "TSCE" || u16 version || node id (32) || u64 epoch || receipts root (32) || u64
/// total work units || u32 jobs || u8 len || DA pointer; its hash is SHA-256("TSC-EPOCH" || encoding).
/// </summary>
public sealed record EpochCommitment
{
    public const ushort Version = 1;
    public static ReadOnlySpan<byte> Magic => "TSCE"u8;

    public byte[] NodeId { get; }
    public ulong Epoch { get; }
    public byte[] ReceiptsRoot { get; }
    public ulong TotalWorkUnits { get; }
    public uint JobCount { get; }
    public byte[] DaPointer { get; }

    public EpochCommitment(byte[] nodeId, ulong epoch, byte[] receiptsRoot, ulong totalWorkUnits, uint jobCount, byte[] daPointer)
    {
        if (nodeId.Length != SchnorrKeys.PublicKeySize) throw new ArgumentException($"a node id is {SchnorrKeys.PublicKeySize} bytes, not {nodeId.Length}");
        if (receiptsRoot.Length != 32) throw new ArgumentException($"a receipts root is 32 bytes, not {receiptsRoot.Length}");
        if (jobCount is < 1 or > ReceiptLimits.MaxReceiptsPerEpoch) throw new ArgumentException($"job count {jobCount} is outside 1..{ReceiptLimits.MaxReceiptsPerEpoch}");
        if (daPointer.Length > ReceiptLimits.MaxDaPointerBytes) throw new ArgumentException($"a DA pointer of {daPointer.Length} bytes exceeds {ReceiptLimits.MaxDaPointerBytes}");
        NodeId = nodeId;
        Epoch = epoch;
        ReceiptsRoot = receiptsRoot;
        TotalWorkUnits = totalWorkUnits;
        JobCount = jobCount;
        DaPointer = daPointer;
    }

    /// <summary>
    /// The commitment to an epoch's receipts, in the given order. Every receipt must be the node's; work units are summed
    /// with overflow checked (an overflowing total is refused, never wrapped).
    /// </summary>
    public static EpochCommitment Build(byte[] nodeId, ulong epoch, IReadOnlyList<Receipt> receipts, byte[] daPointer)
    {
        if (receipts.Count is 0 or > ReceiptLimits.MaxReceiptsPerEpoch) throw new ArgumentException($"an epoch holds 1..{ReceiptLimits.MaxReceiptsPerEpoch} receipts, not {receipts.Count}");
        ulong total = 0;
        for (int i = 0; i < receipts.Count; i++)
        {
            if (!receipts[i].Body.NodePublicKey.AsSpan().SequenceEqual(nodeId)) throw new ArgumentException($"receipt {i} belongs to another node");
            try { total = checked(total + receipts[i].Body.WorkUnits); }
            catch (OverflowException) { throw new ArgumentException($"work units overflow 2^64 at receipt {i}"); }
        }
        return new EpochCommitment(nodeId, epoch, ReceiptsTree.Root(receipts.Select(ReceiptCodec.Hash).ToArray()), total, (uint)receipts.Count, daPointer);
    }

    public byte[] Encode() =>
        new LittleEndianWriter(160).Bytes(Magic).U16(Version).Bytes(NodeId).U64(Epoch).Bytes(ReceiptsRoot).U64(TotalWorkUnits).U32(JobCount).Short(DaPointer).ToArray();

    public byte[] Hash() => SHA256.HashData([.. ToolkitTags.Epoch, .. Encode()]);

    public static EpochCommitment Decode(byte[] bytes)
    {
        var reader = new ToolkitReader(bytes, "epoch commitment");
        if (reader.Remaining < 4 || !reader.Bytes(4).AsSpan().SequenceEqual(Magic)) throw reader.Fail("not an epoch commitment (magic \"TSCE\" missing)");
        var version = reader.U16();
        if (version != Version) throw reader.Fail($"version {version} is not supported (this build reads version {Version})");
        var nodeId = reader.Bytes(32);
        var epoch = reader.U64();
        var root = reader.Bytes(32);
        var total = reader.U64();
        var jobs = reader.U32();
        var da = reader.Short(ReceiptLimits.MaxDaPointerBytes);
        reader.End();
        return reader.Guard(() => new EpochCommitment(nodeId, epoch, root, total, jobs, da));
    }
}
