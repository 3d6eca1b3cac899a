using NUnit.Framework;
using TensorCash.Tests.Cli;

namespace TensorCash.Tests.Serving;

/// <summary>`tensorcash serve` refuses bad flags with one line and the usage exit code, before loading anything.</summary>
public sealed class ServeCommandTests
{
    [TestCase("--port", "70000", "--port must be in 0..65535")]
    [TestCase("--port", "-1", "--port must be in 0..65535")]
    [TestCase("--port", "http", "as an integer")]
    public void Bad_flags_are_usage_errors(string flag, string value, string message)
    {
        var run = CliRun.Of("serve", "--model", "builtin:tiny", flag, value);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain(message));
        Assert.That(run.Stderr, Does.Not.Contain("   at "));
    }

    [Test]
    public void A_missing_model_is_a_usage_error()
    {
        var run = CliRun.Of("serve", "--model", "/no/such/model.gguf", "--port", "0");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain("model not found"));
    }

    [Test]
    public void A_host_that_is_not_an_address_is_a_usage_error()
    {
        var run = CliRun.Of("serve", "--model", "builtin:tiny", "--host", "not-a-host", "--port", "0", "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain("--host must be an IP address or localhost"));
        Assert.That(run.Stderr, Does.Not.Contain("   at "));
    }
}
