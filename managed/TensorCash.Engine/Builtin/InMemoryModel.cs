using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Builtin;

/// <summary>
/// Builds <see cref="ModelWeights"/> from fp32 tensors without touching disk, each tensor encoded into its
/// own native buffer. Element types follow the writers: F32/F16/BF16 like <see cref="Formats.Safetensors.SafetensorsWriter"/>
/// (every tensor in that type); Q8_0 like <see cref="Formats.Gguf.GgufWriter"/> (1-D tensors F32, rows that
/// are not whole Q8_0 blocks F16), so an in-memory model equals the same model loaded back from a file.
/// </summary>
public static unsafe class InMemoryModel
{
    public static ModelWeights Build(ModelTensors model, TensorDType dtype, string source)
    {
        var buffers = new List<IDisposable>();
        try
        {
            var views = model.Tensors.ToDictionary(t => t.Name, t => Encode(t, dtype, buffers));
            return ModelWeightsAssembler.Assemble(model.Config, new Source(views, source), source, [], buffers);
        }
        catch
        {
            foreach (var b in buffers) b.Dispose();
            throw;
        }
    }

    private static TensorView Encode(NamedTensor t, TensorDType dtype, List<IDisposable> buffers) =>
        EncodeView(t.Name, t.Shape, t.Values(), dtype == TensorDType.Q8_0 ? GgufWriter.StoredDType(t, dtype) : dtype, buffers);

    /// <summary>Encodes <paramref name="values"/> as <paramref name="stored"/> into a new native buffer (added to <paramref name="buffers"/>, which the caller owns) and views it.</summary>
    public static TensorView EncodeView(string name, long[] shape, float[] values, TensorDType stored, List<IDisposable> buffers)
    {
        var bytes = WeightEncoding.Encode(values, stored, checked((int)shape[^1]));
        var buffer = new NativeBuffer(bytes.Length);
        buffers.Add(buffer);
        bytes.CopyTo(buffer.Span);
        return new TensorView(name, stored, shape, (nint)buffer.Pointer, bytes.Length);
    }

    private sealed class Source(Dictionary<string, TensorView> views, string source) : ITensorSource
    {
        public TensorView? Find(string hfName) => views.TryGetValue(hfName, out var v) ? v : null;
        public string FileOf(string hfName) => source;
        public string StoredName(string hfName) => hfName;
    }
}
