using System.Text.Json;
using NUnit.Framework;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash met` and `tensorcash watermark` end to end on the builtin models, at tiny sizes.</summary>
[Category("Runtime")]
public class CliMetWatermarkTests
{
    [Test]
    public void Met_OnTheSameModel_RunsAndReportsAPValueInRange()
    {
        var run = CliRun.Of("met", "--reference", "builtin:nano", "--candidate", "builtin:nano", "--prompts", "2", "--samples", "3",
            "--length", "4", "--permutations", "19", "--seed", "7", "--threads", "1", "--json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        using var doc = JsonDocument.Parse(run.StdoutLines[^1]);
        double p = doc.RootElement.GetProperty("p_value").GetDouble();
        Assert.That(p, Is.InRange(1.0 / 20, 1.0));
        // Same seed, same answer.
        var again = CliRun.Of("met", "--reference", "builtin:nano", "--candidate", "builtin:nano", "--prompts", "2", "--samples", "3",
            "--length", "4", "--permutations", "19", "--seed", "7", "--threads", "1", "--json");
        Assert.That(again.StdoutLines[^1], Is.EqualTo(run.StdoutLines[^1]));
    }

    [Test]
    public void Watermark_EmbedThenDetect_FindsItWithTheKeyOnly()
    {
        var embed = CliRun.Of("watermark", "embed", "-m", "builtin:tiny", "--key", "text:k1", "--gamma", "0.25", "--delta", "5",
            "--tokens", "256,72,105", "-n", "60", "--seed", "3", "--threads", "1");
        Assert.That(embed.ExitCode, Is.EqualTo(0), embed.Stderr);
        string ids = embed.StdoutLines[^1];
        var detect = CliRun.Of("watermark", "detect", "--key", "text:k1", "--gamma", "0.25", "--vocab", "264", "--tokens", ids,
            "--preceding-token", "105", "--json");
        Assert.That(detect.ExitCode, Is.EqualTo(0), detect.Stderr);
        using (var doc = JsonDocument.Parse(detect.StdoutLines[^1]))
        {
            Assert.That(doc.RootElement.GetProperty("detected").GetBoolean(), Is.True, detect.Stdout);
            Assert.That(doc.RootElement.GetProperty("scored").GetInt32(), Is.EqualTo(60));
        }
        var wrongKey = CliRun.Of("watermark", "detect", "--key", "text:k2", "--gamma", "0.25", "--vocab", "264", "--tokens", ids, "--json");
        using (var doc = JsonDocument.Parse(wrongKey.StdoutLines[^1]))
            Assert.That(doc.RootElement.GetProperty("detected").GetBoolean(), Is.False, wrongKey.Stdout);
    }

    [TestCase(new[] { "met", "--reference", "builtin:tiny" }, "--candidate")]
    [TestCase(new[] { "met", "--reference", "builtin:tiny", "--candidate", "builtin:tiny", "--samples", "1" }, "--samples must be >= 2")]
    [TestCase(new[] { "met", "--reference", "builtin:tiny", "--candidate", "builtin:tiny", "--samples", "2,5" }, "--samples takes one value")]
    [TestCase(new[] { "met", "--reference", "builtin:tiny", "--candidate", "builtin:tiny", "--temperature", "0" }, "--temperature must be")]
    [TestCase(new[] { "met", "--reference", "builtin:tiny", "--candidate", "builtin:tiny", "--alpha", "1" }, "--alpha must be in (0, 1)")]
    [TestCase(new[] { "met", "--reference", "builtin:tiny", "--candidate", "builtin:tiny", "--trials", "5", "--samples", "4", "--pool", "5" }, "--pool 5 is smaller")]
    [TestCase(new[] { "met", "--reference", "/no/such.gguf", "--candidate", "builtin:tiny" }, "model not found")]
    [TestCase(new[] { "watermark", "detect", "--key", "zz", "--vocab", "10", "--tokens", "1,2" }, "--key must be hex")]
    [TestCase(new[] { "watermark", "detect", "--key", "text:", "--vocab", "10", "--tokens", "1,2" }, "--key must have 1 to")]
    [TestCase(new[] { "watermark", "detect", "--key", "00", "--vocab", "10", "--tokens", "1,12" }, "token 12 (position 1) is outside")]
    [TestCase(new[] { "watermark", "detect", "--key", "00", "--gamma", "1", "--vocab", "10", "--tokens", "1,2" }, "--gamma must be in (0, 1)")]
    [TestCase(new[] { "watermark", "detect", "--key", "00", "--tokens", "1,2" }, "exactly one of --model M or --vocab V")]
    [TestCase(new[] { "watermark", "detect", "--key", "00", "--vocab", "10", "--text", "hi" }, "--text needs --model")]
    [TestCase(new[] { "watermark", "embed", "-m", "builtin:tiny", "--key", "00", "--tokens", "1", "--delta", "-1" }, "--delta must be")]
    [TestCase(new[] { "watermark", "embed", "-m", "builtin:tiny", "--key", "00" }, "exactly one of --prompt")]
    public void BadCommandLines_AreOneLineUsageErrors(string[] args, string expected)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.StderrLines, Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.Contain(expected));
    }
}
