namespace TensorCash.FuzzTargets;

/// <summary>
/// The model readers take a path and memory-map it (that mapping is what they must get right), so their targets write
/// the input to a scratch file first: one path per process and extension, deleted after each run.
/// </summary>
public sealed class TempInputFile : IDisposable
{
    public string Path { get; }

    public TempInputFile(ReadOnlySpan<byte> input, string extension)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tc-fuzz-{Environment.ProcessId}{extension}");
        using var file = new FileStream(Path, FileMode.Create, FileAccess.Write);
        file.Write(input);
    }

    public void Dispose() => File.Delete(Path);
}
