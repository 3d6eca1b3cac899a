using NUnit.Framework;
using TensorCash.FuzzTargets;

namespace TensorCash.Tests.Fuzz;

/// <summary>
/// Where the checked-in fuzz corpus lives: fixtures/fuzz-corpus/TARGET/ (one folder per <see cref="FuzzTargetCatalog"/>
/// target), read from the test output (copied there with the other fixtures) and written, by the seed writer, to the
/// source tree.
/// </summary>
internal static class FuzzCorpus
{
    public const string FolderName = "fuzz-corpus";

    public static string OutputDirectory(FuzzTarget target) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", FolderName, target.Name);

    public static string SourceDirectory(FuzzTarget target)
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TensorCash.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("TensorCash.sln not found above the test directory");
        return Path.Combine(dir.FullName, "tests", "TensorCash.Tests", "fixtures", FolderName, target.Name);
    }
}
