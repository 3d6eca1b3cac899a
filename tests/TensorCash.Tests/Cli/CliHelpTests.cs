using NUnit.Framework;

namespace TensorCash.Tests.Cli;

public class CliHelpTests
{
    [Test]
    public void RootHelpListsEveryCommand()
    {
        var run = CliRun.Of("--help");
        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Stdout, Does.Contain("generate").And.Contain("logits").And.Contain("model").And.Contain("bench"));
    }

    [TestCase("generate", "--max-tokens", "--temperature", "--top-k", "--top-p", "--repetition-penalty", "--seed", "--threads", "--stats")]
    [TestCase("logits", "--model", "--tokens", "--threads", "round-trip")]
    [TestCase("bench", "--prompt-tokens", "--gen-tokens", "--json", "bandwidth")]
    [TestCase("model inspect", "PATH", "FLOPs")]
    public void CommandHelpExplainsTheOptionsEvenWithRequiredOnesMissing(string command, params string[] mentions)
    {
        var run = CliRun.Of([.. command.Split(' '), "--help"]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        foreach (var m in mentions) Assert.That(run.Stdout, Does.Contain(m));
        Assert.That(run.Stderr, Is.Empty);
    }
}
