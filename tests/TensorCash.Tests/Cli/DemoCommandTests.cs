using NUnit.Framework;
using TensorCash.Cli;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash demo` end to end, in-process: the README's main command must work.</summary>
public class DemoCommandTests
{
    [Test]
    public void DemoMinesPaysAndReverifiesEveryBlock()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"tc-demo-test-{Guid.NewGuid():N}");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Program.Run(["demo", "--datadir", dir, "--threads", "2"], stdout, stderr);
            string output = stdout.ToString();
            Assert.That(code, Is.EqualTo(0), stderr.ToString());
            // 101 blocks to the payment, then nano's registration, support and activation, then the side-by-side blocks.
            var verified = System.Text.RegularExpressions.Regex.Match(output, @"verified (\d+) block proofs again: tier 1 all, tier-2 replay (\d+); all accepted");
            Assert.That(verified.Success, output);
            Assert.That(verified.Groups[2].Value, Is.EqualTo(verified.Groups[1].Value));
            Assert.That(int.Parse(verified.Groups[1].Value), Is.GreaterThan(101 + TensorCash.Cli.Demo.DemoScenario.SideBySideBlocks));
            Assert.That(output, Does.Contain("bob 12.50000000 TSC"));
            Assert.That(output, Does.Contain("vdf v").And.Contain("vdf verify ms"), "the table shows each block's VDF output and verify time");
            Assert.That(output, Does.Match(@"vdf +Wesolowski, 128-bit class group, T = 512 squarings per block"));
            Assert.That(stderr.ToString(), Does.Contain("block 101 confirms the payment"));
            // The customer prompt served on the trained builtin:small: the seeded reply is the same on every run.
            var reply = TensorCash.Cli.Demo.SmallModelReply.Serve(TensorCash.Cli.Demo.DemoScenario.CustomerPrompt, 2, CancellationToken.None);
            Assert.That(reply.Text, Does.StartWith(" Turn again, I pray thee"), "builtin:small's seeded continuation");
            // (the summary wraps at 150 columns, so only the reply's first words are on the line)
            Assert.That(output, Does.Contain($"served   on builtin:small (trained, not mined: consensus pins builtin:tiny): {TensorCash.Cli.Demo.DemoScenario.CustomerPrompt} Turn again, I pray thee"));
            Assert.That(File.Exists(Path.Combine(dir, "wallets", "alice.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public void DemoWithThreeNodesSyncsRelaysAPaymentAndConverges()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"tc-demo-net-{Guid.NewGuid():N}");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Program.Run(["demo", "--nodes", "3", "--datadir", dir, "--threads", "2"], stdout, stderr);
            Assert.That(code, Is.EqualTo(0), stderr.ToString());
            Assert.That(stdout.ToString(), Does.Contain("3 nodes converged on block 102").And.Contain("blocks mined per node 101/0/1"));
            Assert.That(stderr.ToString(), Does.Contain("the payment is in all 3 mempools"));
            foreach (var node in new[] { "node1", "node2", "node3" })
                Assert.That(File.Exists(Path.Combine(dir, node, "chainstate.sqlite")), $"{node} has its own chainstate");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ANonEmptyDatadirIsAUsageError()
    {
        string dir = Directory.CreateTempSubdirectory("tc-demo-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "something"), "x");
            var stderr = new StringWriter();
            Assert.That(Program.Run(["demo", "--datadir", dir], new StringWriter(), stderr), Is.EqualTo(ExitCodes.Usage));
            Assert.That(stderr.ToString(), Does.Contain("is not empty"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
