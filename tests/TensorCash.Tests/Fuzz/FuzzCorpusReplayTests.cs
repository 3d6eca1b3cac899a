using System.Diagnostics;
using NUnit.Framework;
using TensorCash.FuzzTargets;

namespace TensorCash.Tests.Fuzz;

/// <summary>
/// CI's share of the fuzzing (issue 12, item 6): every checked-in corpus input (the seeds and AFL++'s minimized finds,
/// fixtures/fuzz-corpus/TARGET/) runs through its target. An exception other than the parser's documented rejection
/// fails the test, as does an input that takes longer than <see cref="PerInputBound"/> or a target without a corpus.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    /// <summary>Generous for 2 shared cores; every current input takes milliseconds (bench/results/fuzzing.md).</summary>
    private static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(2);

    public static IEnumerable<string> TargetNames => FuzzTargetCatalog.All.Select(t => t.Name);

    [TestCaseSource(nameof(TargetNames))]
    public void EveryCorpusInputIsAcceptedOrRejectedCleanly(string name)
    {
        var target = FuzzTargetCatalog.Find(name);
        var failures = Replay(target, FuzzCorpus.OutputDirectory(target), out int accepted, out int total);
        TestContext.Out.WriteLine($"{name}: {total} inputs, {accepted} accepted, {total - accepted} rejected");
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void EveryTargetHasACorpusFolderAndNoFolderLacksATarget()
    {
        string root = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", FuzzCorpus.FolderName);
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Order().ToArray();
        Assert.That(folders, Is.EqualTo(TargetNames.Order().ToArray()));
    }

    [Test]
    public void AnEmptyCorpusFolderFailsTheReplay()
    {
        string empty = Directory.CreateTempSubdirectory("tc-fuzz-empty-").FullName;
        try
        {
            var failures = Replay(FuzzTargetCatalog.Find("transaction"), empty, out _, out _);
            Assert.That(failures, Has.Count.EqualTo(1).And.One.Contains("no corpus inputs"));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    /// <summary>The harness is not vacuous: a parser that leaks an unexpected exception type is reported, a documented rejection is not.</summary>
    [Test]
    public void AnUnexpectedExceptionFromAParserIsAFindingAndARejectionIsNot()
    {
        var leaky = new FuzzTarget("leaky", "test parser", input =>
        {
            if (input.Length > 0 && input[0] == 1) throw new FormatException("documented rejection");
            if (input.Length > 0 && input[0] == 2) throw new IndexOutOfRangeException("a bug");
        }, typeof(FormatException));
        string dir = Directory.CreateTempSubdirectory("tc-fuzz-leaky-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "ok"), [0]);
            File.WriteAllBytes(Path.Combine(dir, "rejected"), [1]);
            File.WriteAllBytes(Path.Combine(dir, "crash"), [2]);
            var failures = Replay(leaky, dir, out int accepted, out int total);
            Assert.Multiple(() =>
            {
                Assert.That((accepted, total), Is.EqualTo((1, 3)));
                Assert.That(failures, Has.Count.EqualTo(1));
                Assert.That(failures[0], Does.Contain("crash").And.Contain(nameof(IndexOutOfRangeException)));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AnInputOverTheTimeBoundIsAFinding()
    {
        var slow = new FuzzTarget("slow", "test parser", _ => Thread.Sleep(PerInputBound + TimeSpan.FromMilliseconds(200)));
        string dir = Directory.CreateTempSubdirectory("tc-fuzz-slow-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "slow"), [0]);
            var failures = Replay(slow, dir, out _, out _);
            Assert.That(failures, Has.Count.EqualTo(1).And.One.Contains("took"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<string> Replay(FuzzTarget target, string directory, out int accepted, out int total)
    {
        var failures = new List<string>();
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray() : [];
        accepted = 0;
        total = files.Length;
        if (files.Length == 0)
        {
            failures.Add($"{target.Name}: no corpus inputs in {directory}");
            return failures;
        }
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            var clock = Stopwatch.StartNew();
            try
            {
                if (target.Run(input)) accepted++;
            }
            catch (Exception e)
            {
                failures.Add($"{target.Name}/{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}");
                continue;
            }
            if (clock.Elapsed > PerInputBound)
                failures.Add($"{target.Name}/{Path.GetFileName(file)}: took {clock.Elapsed.TotalMilliseconds:F0} ms (bound {PerInputBound.TotalMilliseconds:F0} ms)");
        }
        return failures;
    }
}
