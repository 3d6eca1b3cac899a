using System.Text.RegularExpressions;
using NUnit.Framework;

namespace TensorCash.Tests.Toolkit;

/// <summary>
/// Selections and verdicts must be bit-identical on every machine, so the toolkit may not use floating point. Integer
/// Math.Max and BigInteger are fine; the floating types, transcendental functions and decimal literals are not.
/// </summary>
public class ToolkitSourceScanTests
{
    private static readonly Regex Forbidden = new(
        @"\b(double|float|Half|decimal|MathF)\b|\bMath\.(Exp|Log\w*|Pow|Sqrt|Round|Floor|Ceiling|Sin|Cos|Tan|Truncate)\b|BitConverter\.\w*(Single|Double|Half)|(?<![\w.])\d+\.\d+",
        RegexOptions.Compiled);

    /// <summary>Comments cite RFC sections ("§5.4.1.1"), which look like decimal literals; in them only the type names count.</summary>
    private static readonly Regex ForbiddenInComments = new(@"\b(double|float|Half|decimal|MathF)\b", RegexOptions.Compiled);

    private static bool IsForbidden(string line) =>
        line.TrimStart().StartsWith("//") ? ForbiddenInComments.IsMatch(line) : Forbidden.IsMatch(line);

    [Test]
    public void ToolkitUsesNoFloatingPoint()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TensorCash.sln"))) directory = directory.Parent;
        Assert.That(directory, Is.Not.Null, "repository root not found");
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(Path.Combine(directory!.FullName, "managed", "TensorCash.Toolkit"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}")).ToArray();
        Assert.That(files, Has.Length.GreaterThan(10));
        var hits = files.SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, i, line)))
            .Where(x => IsForbidden(x.line)).Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.line.Trim()}").ToArray();
        Assert.That(hits, Is.Empty);
    }
}
