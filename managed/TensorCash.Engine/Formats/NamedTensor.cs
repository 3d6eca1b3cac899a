namespace TensorCash.Engine.Formats;

/// <summary>
/// One tensor to write: HF name, HF shape (outermost first) and its fp32 values. Values come from a
/// function so writers can stream large models one tensor at a time instead of holding them all.
/// </summary>
public sealed record NamedTensor(string Name, long[] Shape, Func<float[]> Values)
{
    public static NamedTensor Of(string name, long[] shape, float[] values) => new(name, shape, () => values);

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public int RowLength => checked((int)Shape[^1]);
}

/// <summary>A model ready to be written: its configuration plus every weight under its HF name.</summary>
public sealed record ModelTensors(Model.ModelConfig Config, IReadOnlyList<NamedTensor> Tensors)
{
    public NamedTensor this[string name] => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"no tensor named '{name}'");

    /// <summary>A copy with one tensor replaced or removed (null), for building deliberately bad files.</summary>
    public ModelTensors With(string name, NamedTensor? replacement) => this with
    {
        Tensors = Tensors.Select(t => t.Name == name ? replacement : t).Where(t => t is not null).Select(t => t!).ToList(),
    };
}
