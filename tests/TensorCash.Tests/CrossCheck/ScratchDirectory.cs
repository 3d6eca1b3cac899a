namespace TensorCash.Tests.CrossCheck;

/// <summary>A fresh temporary directory, deleted on dispose (dispose loaded weights first: they map files in it).</summary>
public sealed class ScratchDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tc-crosscheck-" + Guid.NewGuid().ToString("N"));

    public ScratchDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
