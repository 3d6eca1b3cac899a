using NUnit.Framework;

namespace TensorCash.Tests.Cli;

/// <summary>Bad command lines: exit code 2, exactly one error line on stderr naming the problem, nothing on stdout.</summary>
public class CliUsageErrorTests
{
    [TestCase(new string[0], "Required command")]
    [TestCase(new[] { "frob" }, "'frob'")]
    [TestCase(new[] { "model" }, "Required command")]
    [TestCase(new[] { "model", "inspect" }, "PATH")]
    [TestCase(new[] { "model", "inspect", "/no/such/model.gguf" }, "model not found: '/no/such/model.gguf'")]
    [TestCase(new[] { "generate", "--prompt", "hi" }, "--model")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny" }, "exactly one of --prompt")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "hi", "--tokens", "1" }, "exactly one of --prompt")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--tokens", "1,x,3" }, "--tokens item 2 is 'x'")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--tokens", "" }, "--tokens is empty")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--tokens", "1,-2" }, "--tokens item 2 is '-2'")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--temperature", "-1" }, "temperature must be")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--top-p", "1.5" }, "top-p must be in (0, 1]")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--top-k", "-1" }, "top-k must be >= 0")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--repetition-penalty", "0" }, "repetition penalty must be")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--max-tokens", "0" }, "--max-tokens must be >= 1 (got 0)")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--max-tokens", "lots" }, "'lots' for option '--max-tokens' as an integer")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--threads", "0" }, "--threads must be >= 1 (got 0)")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--seed", "-5" }, "as a non-negative integer")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--stats", "xml" }, "'xml'")]
    [TestCase(new[] { "generate", "-m", "builtin:tiny", "--prompt", "a", "--bogus" }, "'--bogus'")]
    [TestCase(new[] { "generate", "-m", "/no/such/dir", "--prompt", "a" }, "model not found: '/no/such/dir'")]
    [TestCase(new[] { "logits", "-m", "builtin:tiny" }, "--tokens")]
    [TestCase(new[] { "logits", "-m", "builtin:tiny", "--tokens", "1;2" }, "'1;2'")]
    [TestCase(new[] { "logits", "-m", "/no/such/model.gguf", "--tokens", "1,2" }, "model not found")]
    [TestCase(new[] { "bench", "-m", "builtin:tiny", "--gen-tokens", "1" }, "--gen-tokens must be >= 2")]
    [TestCase(new[] { "bench", "-m", "builtin:tiny", "--prompt-tokens", "0" }, "--prompt-tokens must be >= 1")]
    [TestCase(new[] { "bench", "-m", "builtin:tiny", "--bandwidth-mib", "1" }, "--bandwidth-mib must be >= 16")]
    public void ReportsOneLineAndExitsWithTwo(string[] args, string expected)
    {
        var run = CliRun.Of(args);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.StderrLines, Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.StderrLines[0], Does.StartWith("tensorcash").And.Contain("error: ").And.Contain(expected));
        Assert.That(run.Stdout, Is.Empty);
    }

    [Test]
    public void TheErrorLineNamesTheSubcommandAndPointsAtItsHelp()
    {
        var run = CliRun.Of("logits", "-m", "builtin:tiny", "--tokens", "1,2", "--threads", "0");
        Assert.That(run.StderrLines[0], Does.StartWith("tensorcash logits: error: --threads").And.EndWith("Run 'tensorcash logits --help' for usage."));
    }
}
