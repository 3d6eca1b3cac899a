namespace TensorCash.Engine.Model;

/// <summary>
/// A checkpoint could not be used: corrupt, truncated, missing tensor, wrong shape, unsupported dtype or
/// architecture, oversized header. The message always names the file and, where there is one, the tensor.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public string FilePath { get; }
    public string? TensorName { get; }

    public ModelFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(Format(filePath, tensorName, problem), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    private static string Format(string file, string? tensor, string problem) =>
        tensor is null ? $"{file}: {problem}" : $"{file}: tensor '{tensor}': {problem}";
}
