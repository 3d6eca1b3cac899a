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
    private static readonly Regex Forbidden = new(@"\b(double|float|Half|decimal|Math|MathF)\b|\bSingle\b|BitConverter|(?<![\w.])\d+(\.\d+)?[fFdDmM]\b", RegexOptions.Compiled);

    /// <summary>
    /// The chain's consensus code hashes and counts ("SHA-256d", hex literals, Math.Max on integers are fine), so its scan
    /// targets floating point itself: the types, the transcendental functions, bit reinterpretation and decimal literals.
    /// </summary>
    private static readonly Regex ForbiddenInChain = new(
        @"\b(double|float|Half|decimal|MathF)\b|\bMath\.(Exp|Log\w*|Pow|Sqrt|Round|Floor|Ceiling|Sin|Cos|Tan|Truncate)\b|BitConverter\.\w*(Single|Double|Half)|(?<![\w.])\d+\.\d+",
        RegexOptions.Compiled);

    private static string SourceDirectory(string project)
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TensorCash.sln"))) directory = directory.Parent;
        Assert.That(directory, Is.Not.Null, "repository root (TensorCash.sln) not found above the test directory");
        return Path.Combine(directory!.FullName, "managed", project);
    }

    /// <summary>The proof core and the chain's consensus code (TensorCash.Chain) are both consensus-critical.</summary>
    [TestCase("TensorCash.Proof")]
    [TestCase("TensorCash.Chain")]
    public void ConsensusCodeUsesNoFloatingPointOrMathLibrary(string project)
    {
        var files = Directory.GetFiles(SourceDirectory(project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();
        Assert.That(files, Has.Length.GreaterThan(10), $"{project} sources not found");
        var hits = files.SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, i, line)))
            .Where(x => project == "TensorCash.Proof" ? Forbidden.IsMatch(x.line) : ForbiddenInChain.IsMatch(CodeOnly(x.line)))
            .Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();
        Assert.That(hits, Is.Empty);
    }

    /// <summary>The chain's comments cite specs with decimals ("section 2.4.1", "16.16 fixed point"); only its code is scanned.</summary>
    private static string CodeOnly(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }

    [Test]
    public void TheScanWouldCatchFloatingPoint()
    {
        Assert.That(Forbidden.IsMatch("var x = Math.Exp(y);"), Is.True);
        Assert.That(Forbidden.IsMatch("double p = 0;"), Is.True);
        Assert.That(Forbidden.IsMatch("var q = 0.5f;"), Is.True);
        Assert.That(Forbidden.IsMatch("var n = 1UL << 32;"), Is.False);
        Assert.That(Forbidden.IsMatch("var h = 2d;"), Is.True);
        // A hex literal's digits are not a float suffix (the LEB128 reader masks with 0x7f).
        Assert.That(Forbidden.IsMatch("value |= (uint)(b & 0x7f) << shift;"), Is.False);
        Assert.That(ForbiddenInChain.IsMatch("long t = (long)Math.Pow(2, k);"), Is.True);
        Assert.That(ForbiddenInChain.IsMatch("var half = 0.5;"), Is.True);
        Assert.That(ForbiddenInChain.IsMatch("float f = 1;"), Is.True);
        Assert.That(ForbiddenInChain.IsMatch("OP_PUSHDATA2 = 0x4d, // SHA-256d; Math.Max(a, b)"), Is.False);
    }
}
