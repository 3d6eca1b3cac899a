namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// llama.cpp's converter reorders Q and K rows for arch 'llama' so its interleaved-pair RoPE matches the
/// HF rotate-half RoPE: within each head of head_dim rows, GGUF row (2j + s) holds HF row (s*head_dim/2 + j).
/// Whole rows move, so the same code serves every element type, Q8_0 included.
/// </summary>
public static class LlamaQkPermutation
{
    /// <summary>The HF row stored at GGUF row <paramref name="ggufRow"/>.</summary>
    public static int HfRowOf(int ggufRow, int headDim)
    {
        int head = ggufRow / headDim, r = ggufRow % headDim;
        return head * headDim + (r % 2) * (headDim / 2) + r / 2;
    }

    /// <summary>HF order -> GGUF order (what the converter does).</summary>
    public static void HfToGguf(ReadOnlySpan<byte> hf, Span<byte> gguf, int rows, int headCount) =>
        Move(hf, gguf, rows, headCount, toGguf: true);

    /// <summary>GGUF order -> HF order (undoing the converter on load).</summary>
    public static void GgufToHf(ReadOnlySpan<byte> gguf, Span<byte> hf, int rows, int headCount) =>
        Move(gguf, hf, rows, headCount, toGguf: false);

    private static void Move(ReadOnlySpan<byte> source, Span<byte> target, int rows, int headCount, bool toGguf)
    {
        if (headCount <= 0 || rows % headCount != 0 || rows / headCount % 2 != 0)
            throw new ArgumentException($"{rows} rows do not split into {headCount} heads of even size");
        if (source.Length != target.Length || source.Length % rows != 0)
            throw new ArgumentException("source and target must hold the same whole rows");
        int headDim = rows / headCount, rowBytes = source.Length / rows;
        for (int g = 0; g < rows; g++)
        {
            int h = HfRowOf(g, headDim);
            var (from, to) = toGguf ? (h, g) : (g, h);
            source.Slice(from * rowBytes, rowBytes).CopyTo(target.Slice(to * rowBytes, rowBytes));
        }
    }
}
