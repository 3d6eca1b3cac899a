using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Cli;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash vdf eval|verify`: a round trip, each rejection's exit code, and usage errors.</summary>
public class CliVdfTests
{
    private const string Seed = "0000000000000000000000000000000000000000000000000000000000000000";

    private static JsonNode Eval(params string[] extra)
    {
        var run = CliRun.Of(["vdf", "eval", "--seed", Seed, "--t", "600", "--bits", "128", "--json", .. extra]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Stderr);
        return JsonNode.Parse(run.Stdout)!;
    }

    [Test]
    public void EvalThenVerifyRoundTripsAndAnyChangeIsRejected()
    {
        var result = Eval();
        string evidence = (string)result["evidence"]!;
        Assert.That(evidence, Is.EqualTo((string)result["y"]! + (string)result["pi"]!));
        var ok = CliRun.Of("vdf", "verify", "--seed", Seed, "--t", "600", "--bits", "128", "--evidence", evidence, "--json");
        Assert.That(ok.ExitCode, Is.EqualTo(ExitCodes.Success), ok.Stdout + ok.Stderr);
        Assert.That((string)JsonNode.Parse(ok.Stdout)!["v"]!, Is.EqualTo((string)result["v"]!));

        var wrongT = CliRun.Of("vdf", "verify", "--seed", Seed, "--t", "601", "--bits", "128", "--evidence", evidence);
        Assert.That(wrongT.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(wrongT.Stdout, Does.Contain("proof:"));
        var otherSeed = CliRun.Of("vdf", "verify", "--seed", "01" + Seed[2..], "--t", "600", "--bits", "128", "--evidence", evidence);
        Assert.That(otherSeed.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(otherSeed.Stdout, Does.Contain("discriminant:").Or.Contain("notreduced:"));
        var truncated = CliRun.Of("vdf", "verify", "--seed", Seed, "--t", "600", "--bits", "128", "--evidence", evidence[..^2]);
        Assert.That(truncated.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(truncated.Stdout, Does.Contain("encoding:"));
    }

    [Test]
    public void TheChallengeSizeIsAnOptionAndChangesL()
    {
        var wide = Eval();
        var narrow = Eval("--challenge-bits", "128");
        Assert.That((string)narrow["y"]!, Is.EqualTo((string)wide["y"]!), "y does not depend on ℓ");
        Assert.That(System.Numerics.BigInteger.Parse((string)narrow["l"]!).GetBitLength(), Is.EqualTo(128));
    }

    [TestCase("--seed", "00", "must be 32")]
    [TestCase("--seed", "zz", "not hex")]
    [TestCase("--t", "0", "outside 1..")]
    [TestCase("--bits", "8", "outside 64..")]
    [TestCase("--challenge-bits", "100", "not a multiple of 8")]
    public void BadOptionsAreUsageErrors(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--seed"] = Seed, ["--t"] = "10", ["--bits"] = "128" };
        args[option] = value;
        var run = CliRun.Of(["vdf", "eval", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stderr, Does.Contain(message));
    }

    [Test]
    public void HelpNamesBothSubcommands()
    {
        var run = CliRun.Of("vdf", "--help");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Stdout, Does.Contain("eval").And.Contain("verify"));
    }
}
