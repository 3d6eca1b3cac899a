using System.Security.Cryptography;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// A locality-sensitive sketch of the full logit vector: <see cref="StepStatistics.SketchLength"/> Rademacher
/// (+1/-1) random projections of the mean-centred logits. Unlike the top-K evidence it sees every vocabulary
/// entry, so a model change that moves logits outside the top-K still moves the sketch; being linear, honest
/// numerical noise moves it only by about noise * sqrt(V). The signs come from SHA-256("TSC-SKETCH" || j || block),
/// so any implementation derives the same projection. Cost: SketchLength * V adds per step, well under 1% of a
/// forward pass for any real model (documented in docs/protocol/proof-of-inference.md).
/// </summary>
public sealed class LogitSketch
{
    private readonly ulong[][] _signBits; // [j][v / 64], bit set = -1

    public int VocabSize { get; }

    public LogitSketch(int vocabSize)
    {
        VocabSize = vocabSize;
        _signBits = new ulong[StepStatistics.SketchLength][];
        int words = (vocabSize + 63) / 64;
        Span<byte> input = stackalloc byte[10 + 8];
        "TSC-SKETCH"u8.CopyTo(input);
        Span<byte> digest = stackalloc byte[32];
        for (int j = 0; j < StepStatistics.SketchLength; j++)
        {
            var bits = new ulong[(words + 3) / 4 * 4];
            for (int block = 0; block < bits.Length / 4; block++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(input[10..], (uint)j);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(input[14..], (uint)block);
                SHA256.HashData(input, digest);
                for (int w = 0; w < 4; w++)
                    bits[block * 4 + w] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest[(8 * w)..]);
            }
            _signBits[j] = bits;
        }
    }

    /// <summary>The sketch of <paramref name="logits"/> as fp32 bits; sums run in increasing v in double.</summary>
    public uint[] Project(ReadOnlySpan<float> logits)
    {
        if (logits.Length != VocabSize) throw new ArgumentException($"expected {VocabSize} logits, got {logits.Length}", nameof(logits));
        double mean = 0;
        foreach (float l in logits) mean += l;
        mean /= logits.Length;
        var result = new uint[StepStatistics.SketchLength];
        for (int j = 0; j < result.Length; j++)
        {
            var bits = _signBits[j];
            double s = 0;
            for (int v = 0; v < logits.Length; v++)
            {
                double centred = logits[v] - mean;
                s += ((bits[v >> 6] >> (v & 63)) & 1) == 0 ? centred : -centred;
            }
            result[j] = BitConverter.SingleToUInt32Bits((float)s);
        }
        return result;
    }
}
