namespace TensorCash.Engine.Formats.Gguf;

/// <summary>A tensor's entry in the GGUF header. <see cref="Dims"/> is ggml order: Dims[0] (ne0) varies fastest.</summary>
public sealed record GgufTensorInfo(string Name, ulong[] Dims, uint Type, ulong Offset)
{
    /// <summary>Outermost-first shape (HF convention): a linear weight with ne = [in, out] becomes [out, in].</summary>
    public long[] HfShape => Dims.Reverse().Select(d => (long)d).ToArray();
}
