using TensorCash.Proof;

namespace TensorCash.Toolkit.Selection;

/// <summary>What a VRF evaluation selects; part of alpha, so an output for one purpose is useless for another.</summary>
public enum SelectionPurpose : byte
{
    /// <summary>Which of a node's epoch receipts are opened, and which position within each.</summary>
    Jobs = 0x01,
    /// <summary>Whether a verifier sits on the committee for one sampled job.</summary>
    Committee = 0x02,
}

/// <summary>
/// The VRF input alpha of a selection: "TSC-VRF-SEL" || u8 purpose || u8 len || beacon || u64 epoch || node id (32)
/// || u32 job index. Everything is fixed before the evaluating party can act: the beacon is revealed after the node's
/// epoch commitment, the keys are registered before the beacon, and the rest is public. So the party's only freedom
/// is whether to publish its proof at all.
/// </summary>
public static class SelectionInput
{
    public const int MaxBeaconBytes = 64;
    public const int NodeIdSize = 32;

    public static byte[] Alpha(SelectionPurpose purpose, ReadOnlySpan<byte> beacon, ulong epoch, ReadOnlySpan<byte> nodeId, uint jobIndex)
    {
        if (!Enum.IsDefined(purpose)) throw new ArgumentException($"selection purpose 0x{(byte)purpose:X2} is not defined");
        if (beacon.Length is 0 or > MaxBeaconBytes) throw new ArgumentException($"a beacon is 1..{MaxBeaconBytes} bytes, not {beacon.Length}");
        if (nodeId.Length != NodeIdSize) throw new ArgumentException($"a node id is {NodeIdSize} bytes, not {nodeId.Length}");
        return new LittleEndianWriter(128).Bytes(ToolkitTags.SelectionInput).U8((byte)purpose).Short(beacon).U64(epoch).Bytes(nodeId).U32(jobIndex).ToArray();
    }
}
