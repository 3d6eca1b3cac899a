using System.Text.RegularExpressions;
using NUnit.Framework;

namespace TensorCash.Tests.Proof;

/// <summary>
/// The proof core must be bit-exact on every platform, so it may not touch floating point or the runtime's math
/// library. A plain scan of its sources is enough to keep them out (comments included, so nobody documents a
/// "temporary" double either).
/// </summary>
public class ConsensusSourceScanTests
{
    private static readonly Regex Forbidden = new(@"\b(double|float|Half|decimal|Math|MathF)\b|\bSingle\b|BitConverter|\d(\.\d+)?[fFdDmM]\b", RegexOptions.Compiled);

    private static string ProofSourceDirectory()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TensorCash.sln"))) directory = directory.Parent;
        Assert.That(directory, Is.Not.Null, "repository root (TensorCash.sln) not found above the test directory");
        return Path.Combine(directory!.FullName, "managed", "TensorCash.Proof");
    }

    [Test]
    public void ProofCoreUsesNoFloatingPointOrMathLibrary()
    {
        var files = Directory.GetFiles(ProofSourceDirectory(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();
        Assert.That(files, Has.Length.GreaterThan(10), "proof sources not found");
        var hits = files.SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, i, line)))
            .Where(x => Forbidden.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();
        Assert.That(hits, Is.Empty);
    }

    [Test]
    public void TheScanWouldCatchFloatingPoint()
    {
        Assert.That(Forbidden.IsMatch("var x = Math.Exp(y);"), Is.True);
        Assert.That(Forbidden.IsMatch("double p = 0;"), Is.True);
        Assert.That(Forbidden.IsMatch("var q = 0.5f;"), Is.True);
        Assert.That(Forbidden.IsMatch("var n = 1UL << 32;"), Is.False);
    }
}
