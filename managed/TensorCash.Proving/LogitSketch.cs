using System.Buffers.Binary;
using System.Security.Cryptography;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// The public sign pattern of the logit sketch (docs/protocol/proof-of-inference.md §4.1): a count sketch with
/// <see cref="StepStatistics.SketchLength"/> buckets, where vocabulary entry v adds ±(l_v − max) to bucket v mod 16.
/// Unlike the top-K evidence it sees every entry, so a change anywhere in the row moves a bucket, and being linear,
/// honest numerical noise moves a bucket only by about noise · √(V/16). Sign bits come from SHA-256("TSC-SKETCH" ||
/// u32 block), so any implementation derives the same pattern; built once per vocabulary size.
/// </summary>
public sealed class LogitSketch
{
    private readonly byte[] _negate;

    public int VocabSize { get; }

    public LogitSketch(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        VocabSize = vocabSize;
        _negate = new byte[(vocabSize + 255) / 256 * 32];
        Span<byte> input = stackalloc byte[14];
        "TSC-SKETCH"u8.CopyTo(input);
        for (int block = 0; block < _negate.Length / 32; block++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(input[10..], (uint)block);
            SHA256.HashData(input, _negate.AsSpan(32 * block, 32));
        }
    }

    /// <summary>Bit v % 8 of byte v / 8 set: entry v enters its bucket negated (bits past the vocabulary are unused).</summary>
    public ReadOnlySpan<byte> NegateBits => _negate;

    /// <summary>The sign entry <paramref name="v"/> enters its bucket with: −1 or +1.</summary>
    public int Sign(int v) => ((_negate[v >> 3] >> (v & 7)) & 1) != 0 ? -1 : 1;
}
