using System.Runtime.Intrinsics;
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
    /// <summary>Per vocabulary entry v, its 16 projection signs: bit j set = -1 in projection j.</summary>
    private readonly ushort[] _signs;

    /// <summary>For each 4-bit group of signs, the matching fp64 sign-bit masks of four lanes.</summary>
    private static readonly Vector256<ulong>[] NibbleMasks = Enumerable.Range(0, 16)
        .Select(n => Vector256.Create(Lane(n, 0), Lane(n, 1), Lane(n, 2), Lane(n, 3))).ToArray();

    private static ulong Lane(int nibble, int bit) => ((ulong)(nibble >> bit) & 1) << 63;

    public int VocabSize { get; }

    public LogitSketch(int vocabSize)
    {
        VocabSize = vocabSize;
        _signs = new ushort[vocabSize];
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
            for (int v = 0; v < vocabSize; v++) _signs[v] |= (ushort)(((bits[v >> 6] >> (v & 63)) & 1) << j);
        }
    }

    /// <summary>
    /// The sketch of <paramref name="logits"/> as fp32 bits; each projection is a sum in increasing v in double.
    /// The 16 sums run side by side, four per vector, with -x applied as a sign-bit flip: that is the same IEEE
    /// addition sequence per projection as a scalar loop (no reassociation, no FMA), so the bits are identical,
    /// without a data-dependent branch per (j, v).
    /// </summary>
    public uint[] Project(ReadOnlySpan<float> logits)
    {
        if (logits.Length != VocabSize) throw new ArgumentException($"expected {VocabSize} logits, got {logits.Length}", nameof(logits));
        double mean = 0;
        foreach (float l in logits) mean += l;
        mean /= logits.Length;
        Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var masks = NibbleMasks;
        for (int v = 0; v < logits.Length; v++)
        {
            var centred = Vector256.Create(logits[v] - mean).AsUInt64();
            int signs = _signs[v];
            s0 += (centred ^ masks[signs & 15]).AsDouble();
            s1 += (centred ^ masks[(signs >> 4) & 15]).AsDouble();
            s2 += (centred ^ masks[(signs >> 8) & 15]).AsDouble();
            s3 += (centred ^ masks[signs >> 12]).AsDouble();
        }
        var result = new uint[StepStatistics.SketchLength];
        Span<double> sums = stackalloc double[StepStatistics.SketchLength];
        s0.CopyTo(sums);
        s1.CopyTo(sums[4..]);
        s2.CopyTo(sums[8..]);
        s3.CopyTo(sums[12..]);
        for (int j = 0; j < result.Length; j++) result[j] = BitConverter.SingleToUInt32Bits((float)sums[j]);
        return result;
    }
}
