using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using TensorCash.Cli.Demo;

namespace TensorCash.Cli.Commands;

/// <summary>`tensorcash demo`: the whole system on one machine in under a minute (see <see cref="DemoScenario"/>).</summary>
public static class DemoCommand
{
    /// <summary>Rows shown at each end of the summary table unless --all-rows.</summary>
    private const int EdgeRows = 5;
    private const int MinimumTableWidth = 150;

    public static Command Create(CliConsole console)
    {
        var datadir = new Option<string?>("--datadir")
        {
            Description = "Where to create the regtest datadir; it must not exist yet or be empty. Default: a new directory under the system temp dir (printed, and kept so you can inspect it or start `tensorcash node` on it).",
            HelpName = "DIR",
        };
        var threads = CommonOptions.Threads();
        var allRows = new Option<bool>("--all-rows") { Description = "Print every block in the summary table (default: the first and last five)." };
        var nodes = CommonOptions.AtLeast(new Option<int>("--nodes")
        {
            Description = "Run a network instead: this many nodes on 127.0.0.1 linked in a line over the peer-to-peer protocol; node 1 " +
                          "mines, pays the last node, the last node mines the confirming block, and every node converges. 1 = the single-node demo.",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        }, 1);
        var command = new Command("demo",
            "Run the whole system on the CPU with the builtin models: a fresh regtest chain in SQLite, the customer prompt served on the trained " +
            "builtin:small (readable text) and also by the built-in miner on builtin:tiny (consensus pins it; random weights) " +
            "while it mines until a coinbase matures, a payment between two wallets through the mempool, then every block's proof " +
            "re-verified (tier 1 and a tier-2 replay). Prints live progress and a summary table.")
        {
            datadir, threads, allRows, nodes,
        };
        command.SetAction(console.Guard((parsed, cancellation) =>
        {
            string dir = parsed.GetValue(datadir) ?? Path.Combine(Path.GetTempPath(), $"tensorcash-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
                throw new UsageException($"--datadir {dir} is not empty; the demo starts a fresh chain (choose a new directory)");

            if (parsed.GetValue(nodes) is > 1 and var count)
            {
                var network = new NetworkDemoScenario(dir, count, parsed.GetValue(threads), console.Progress).Run(cancellation);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{network.Nodes} nodes converged on block {network.Height} {network.TipHash} in {network.Elapsed.TotalSeconds:F1} s: " +
                    $"blocks mined per node {string.Join("/", network.BlocksMinedPerNode)}; payment {network.PaymentTxid} reached every mempool in " +
                    $"{network.PaymentRelay.TotalMilliseconds:F0} ms, the confirming block every node in {network.LastBlockRelay.TotalMilliseconds:F0} ms; " +
                    $"bytes received per node {string.Join("/", network.BytesReceived.Select(b => b.ToString("N0", CultureInfo.InvariantCulture)))}; datadirs under {network.DataDirectory}"));
                return ExitCodes.Success;
            }
            var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
            ansi.Profile.Width = Math.Max(ansi.Profile.Width, MinimumTableWidth); // a redirected stream reports 80 columns: too narrow for the table
            int blocks = 0;
            var scenario = new DemoScenario(dir, parsed.GetValue(threads), console.Progress, row =>
            {
                blocks++;
                if (blocks <= 3 || blocks % 10 == 0 || row.TransactionCount > 1)
                    console.Progress($"  block {row.Height,4}  {row.TokensGenerated,4} tokens  {row.WindowsTried,3} windows  {row.ProofBytes,7:N0} B proof  " +
                                     $"{row.MineMilliseconds,7:F1} ms  {row.TransactionCount} tx  {row.Hash[..16]}…");
            });
            var result = scenario.Run(cancellation);
            Render(ansi, result, parsed.GetValue(allRows));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Render(IAnsiConsole ansi, DemoResult result, bool allRows)
    {
        var table = new Table().Title($"[bold]Blocks mined on {string.Join(" and ", result.Models.Select(m => m.Model))} (regtest)[/]").Border(TableBorder.Rounded);
        foreach (var (name, right) in new[] { ("height", true), ("model", false), ("tokens", true), ("windows", true), ("proof bytes", true), ("mine ms", true), ("verify ms", true), ("tx", true), ("vdf v", false), ("vdf verify ms", true) })
        {
            var column = new TableColumn(name);
            if (right) column.RightAligned();
            table.AddColumn(column);
        }
        var rows = result.Blocks;
        bool elide = !allRows && rows.Count > 2 * EdgeRows + 1;
        for (int i = 0; i < rows.Count; i++)
        {
            if (elide && i == EdgeRows)
            {
                table.AddRow(new Markup($"[grey]… {rows.Count - 2 * EdgeRows} more[/]"), Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty);
                i = rows.Count - EdgeRows - 1;
                continue;
            }
            var r = rows[i];
            table.AddRow(Cells(r.Height.ToString(CultureInfo.InvariantCulture), r.Model, r.TokensGenerated.ToString("N0", CultureInfo.InvariantCulture),
                r.WindowsTried.ToString(CultureInfo.InvariantCulture), r.ProofBytes.ToString("N0", CultureInfo.InvariantCulture),
                r.MineMilliseconds.ToString("F1", CultureInfo.InvariantCulture), r.VerifyMilliseconds.ToString("F1", CultureInfo.InvariantCulture),
                r.TransactionCount.ToString(CultureInfo.InvariantCulture), r.VdfOutput.Length >= 16 ? r.VdfOutput[..16] + "…" : r.VdfOutput,
                r.VdfVerifyMilliseconds.ToString("F1", CultureInfo.InvariantCulture)));
        }
        table.AddRow(Cells("total", $"{rows.Count} blocks", rows.Sum(r => r.TokensGenerated).ToString("N0", CultureInfo.InvariantCulture),
            rows.Sum(r => r.WindowsTried).ToString(CultureInfo.InvariantCulture), rows.Sum(r => (long)r.ProofBytes).ToString("N0", CultureInfo.InvariantCulture),
            rows.Sum(r => r.MineMilliseconds).ToString("F0", CultureInfo.InvariantCulture), rows.Sum(r => r.VerifyMilliseconds).ToString("F0", CultureInfo.InvariantCulture),
            rows.Sum(r => r.TransactionCount).ToString(CultureInfo.InvariantCulture), "", rows.Sum(r => r.VdfVerifyMilliseconds).ToString("F0", CultureInfo.InvariantCulture)));
        ansi.Write(table);

        string text = new string(result.CustomerTokens.Select(t => t is >= 32 and < 127 ? (char)t : '·').ToArray());
        var reg = result.Registration;
        ansi.WriteLine($"registry {reg.Model} registered in block {reg.RegisteredHeight} (tx {reg.Txid[..16]}…), audit {(reg.AuditPassed ? "passed" : "failed")}, locked in at {reg.LockedInHeight}, active from {reg.ActiveHeight}");
        foreach (var m in result.Models)
            ansi.WriteLine($"model    {m.Model,-13} D_m {m.DifficultyInN,5:F2} N  {m.Blocks,4} blocks  {(double)m.Windows / m.Blocks,5:F1} windows/block  {m.MineMilliseconds / m.Blocks,6:F1} ms/block");
        var vdf = result.Vdf;
        ansi.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"vdf      Wesolowski, {vdf.DiscriminantBits}-bit class group, T = {vdf.Ticks} squarings per block, {vdf.EvidenceBytes} B evidence; one evaluation {vdf.EvalMilliseconds:F1} ms, verify {vdf.MeanVerifyMilliseconds:F1} ms/block"));
        ansi.WriteLine($"payment  {result.PaymentTxid}: alice -> bob {DemoScenario.AmountText(result.PaymentAmount)}, fee {DemoScenario.AmountText(result.PaymentFee)}");
        ansi.WriteLine($"balances alice {DemoScenario.AmountText(result.AliceBalance)} spendable, bob {DemoScenario.AmountText(result.BobBalance)}");
        ansi.WriteLine($"verified {result.VerifiedBlocks} block proofs again: tier 1 all, tier-2 replay {result.ReplayedBlocks}; all accepted");
        ansi.WriteLine($"customer prompt \"{result.CustomerPrompt}\" mined on builtin:tiny and nano: {result.CustomerTokens.Count} tokens (random weights): {Truncate(text, 60)}");
        ansi.WriteLine($"served   on {result.Reply.Model} (trained, not mined: consensus pins builtin:tiny): {result.CustomerPrompt}{result.Reply.Text.ReplaceLineEndings(" ").TrimEnd()}");
        ansi.WriteLine($"datadir  {result.DataDirectory}   ({result.Elapsed.TotalSeconds:F1} s)");
    }

    private static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Text(v)).ToArray();

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
