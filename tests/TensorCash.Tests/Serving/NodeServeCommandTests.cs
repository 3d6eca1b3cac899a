using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Node.Hosting;
using TensorCash.Tests.Cli;

namespace TensorCash.Tests.Serving;

/// <summary>`tensorcash node --serve`: its flags, and a node process that serves and mines.</summary>
public sealed class NodeServeCommandTests
{
    [TestCase(new[] { "--serve-port", "9000" }, "--serve-port goes with --serve")]
    [TestCase(new[] { "--serve-host", "0.0.0.0" }, "--serve-host goes with --serve")]
    [TestCase(new[] { "--api-key", "k" }, "--api-key goes with --serve")]
    [TestCase(new[] { "--serve", "--serve-port", "70000" }, "--serve-port must be in 0..65535")]
    [TestCase(new[] { "--serve", "--serve-port", "http" }, "'http'")]
    [TestCase(new[] { "--serve", "--serve-host", "not-a-host" }, "--serve-host must be an IP address or localhost")]
    public void Bad_serve_flags_are_usage_errors(string[] flags, string message)
    {
        var run = CliRun.Of(["node", "--network", "regtest", .. flags]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.Stderr, Does.Contain(message));
        Assert.That(run.Stderr, Does.Not.Contain("   at "));
        Assert.That(run.Stdout, Is.Empty, "refused before the node starts");
    }

    [Test]
    [Category("Runtime")]
    public async Task A_node_process_serves_with_its_api_key_while_it_mines_and_stops_cleanly()
    {
        string dir = Directory.CreateTempSubdirectory("tc-node-serve-").FullName;
        try
        {
            using var node = NodeProcess.Start("--network", "regtest", "--datadir", dir, "--rpcport", "0", "--port", "0", "--mine",
                "--serve", "--serve-port", "0", "--api-key", "k1", "--threads", "1");
            node.WaitForRpcPort(dir, TimeSpan.FromSeconds(30));
            node.WaitForLine("serving builtin:tiny on http://127.0.0.1:", TimeSpan.FromSeconds(30));
            int port = int.Parse(File.ReadAllText(Path.Combine(dir, NodeHost.ServePortFileName)));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            using (var anonymous = await http.GetAsync("v1/models")) Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k1");
            using var response = await http.PostAsync("v1/completions", new StringContent(
                """{"model": "builtin:tiny", "prompt": "hello miner", "max_tokens": 4, "tensorcash": {"proof_bearing": true}}""", Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            string receipt = JsonDocument.Parse(text).RootElement.GetProperty("tensorcash").GetProperty("receipt").GetProperty("transcript_sha256").GetString()!;

            // The background miner takes the prompt at its next attempt; the receipt then names the block.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            JsonElement lookup;
            do
            {
                await Task.Delay(100);
                lookup = JsonDocument.Parse(await http.GetStringAsync($"v1/receipts/{receipt}")).RootElement;
            } while (lookup.GetProperty("blocks").GetArrayLength() == 0 && DateTime.UtcNow < deadline);
            Assert.That(lookup.GetProperty("blocks").GetArrayLength(), Is.EqualTo(1), lookup.ToString());
            string block = lookup.GetProperty("blocks")[0].GetProperty("hash").GetString()!;
            Assert.That(node.Lines, Has.Some.Contains(block), "the node printed the block it mined on the prompt");

            node.Terminate();
            Assert.That(node.WaitForExit(TimeSpan.FromSeconds(30)), Is.EqualTo(0), node.Stderr);
            Assert.That(File.Exists(Path.Combine(dir, NodeHost.ServePortFileName)), Is.False, "serve.port is removed at shutdown");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
