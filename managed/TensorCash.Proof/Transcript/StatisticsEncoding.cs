using System.Buffers.Binary;

namespace TensorCash.Proof.Transcript;

/// <summary>
/// The canonical bytes of a step's statistics, the <c>statistics</c> argument of the leaf hash:
/// u32 logsumexp bits || u32 entropy bits || u32 sampled-probability bits || SketchLength x u32 sketch bits,
/// all little-endian (76 bytes). The values are raw IEEE-754 bit patterns; nothing here interprets them.
/// </summary>
public static class StatisticsEncoding
{
    public const int ByteLength = 12 + 4 * StepStatistics.SketchLength;

    public static byte[] ToBytes(StepStatistics statistics)
    {
        if (statistics.SketchBits.Length != StepStatistics.SketchLength)
            throw new ProofInputException($"the logit sketch has {statistics.SketchBits.Length} values; it must have {StepStatistics.SketchLength}");
        var bytes = new byte[ByteLength];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, statistics.LogSumExpBits);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), statistics.EntropyBits);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), statistics.SampledProbabilityBits);
        for (var j = 0; j < StepStatistics.SketchLength; j++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12 + 4 * j), statistics.SketchBits[j]);
        return bytes;
    }
}
