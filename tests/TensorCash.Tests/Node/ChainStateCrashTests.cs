using System.Buffers.Binary;
using System.Diagnostics;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

/// <summary>
/// Kills a process that is writing the chainstate (tests/TensorCash.CrashHarness) with SIGKILL at several points of a
/// sync that includes a reorg, and checks after each kill that the datadir holds a consistent chainstate: a
/// connected tip, exactly the UTXO set of the chain ending there, undo data for exactly the active blocks; and that
/// the sync then resumes to the right final tip.
/// </summary>
public class ChainStateCrashTests
{
    private const int MainHeight = 130;
    private const int ForkHeight = 115;
    private const int ForkTipHeight = 140;
    /// <summary>The 1-based position in the file of the branch block that makes the branch heavier (its height 131).</summary>
    private const int SwitchOrdinal = MainHeight + (MainHeight + 1 - ForkHeight);

    /// <summary>
    /// Heights 1..130 of a main chain, then a heavier branch from 115 to 140 that spends the same matured coinbases
    /// differently: the sync switches chains (15 disconnects, 16 connects) when block 131 of the branch arrives.
    /// </summary>
    private static List<Block> SyncSequence()
    {
        var main = new RegtestChain().MineEmpty(100);
        RegtestChain fork = null!;
        (OutPoint, long)? change = null;
        for (int height = 101; height <= MainHeight; height++)
        {
            if (height == ForkHeight + 1) fork = main.ForkAt(ForkHeight, branch: 1);
            var tx = RegtestChain.Spend(change is { } c ? [main.Coinbase(height - 100), c] : [main.Coinbase(height - 100)]);
            main.Mine(tx);
            change = RegtestChain.Output(tx, 1);
        }
        change = null;
        for (int height = ForkHeight + 1; height <= ForkTipHeight; height++)
        {
            var tx = RegtestChain.Spend(change is { } c ? [fork.Coinbase(height - 100), c] : [fork.Coinbase(height - 100)], outputs: 3);
            fork.Mine(tx);
            change = RegtestChain.Output(tx, 2);
        }
        return [.. main.Blocks.Skip(1), .. fork.Blocks.Skip(ForkHeight + 1)];
    }

    [Test]
    public void KillingTheWriterAtAnyPointLeavesAConsistentChainstateAndTheSyncResumes()
    {
        using var scratch = new ScratchDirectory();
        var datadir = Path.Combine(scratch.Path, "datadir");
        var blocksFile = scratch.File("blocks.bin");
        var blocks = SyncSequence();
        WriteBlocks(blocksFile, blocks);

        // Each run pauses before a block a little past what is stored, is released, and is killed after a random delay
        // of up to 3 ms (a block takes about 0.1 ms to store and connect): random points of the sync, and last the
        // block that switches chains, so that a kill lands while blocks are being disconnected and connected.
        var random = new Random(20260101);
        int stored = 0;
        for (int round = 0; round < 5; round++)
        {
            // Rounds before the last stop short of the switching block, so the last round always has it to kill into.
            int pause = round < 4 ? Math.Min(SwitchOrdinal - 1, stored + 1 + random.Next(0, 30)) : Math.Max(SwitchOrdinal, stored + 1);
            var delay = TimeSpan.FromMicroseconds(random.Next(0, 3000));
            var run = RunHarness(datadir, blocksFile, pause, delay, stopBefore: round < 4 ? SwitchOrdinal : null);
            Assert.That(run.Killed, Is.True, $"the harness ended (exit code {run.ExitCode}) before it was killed: {string.Join(" | ", run.Lines.TakeLast(3))} {run.Stderr}");
            (stored, int tipHeight, bool resumed) = AssertConsistent(datadir, blocks);
            TestContext.Out.WriteLine($"released at block {pause}, killed {delay.TotalMilliseconds} ms later: {stored} blocks stored, tip height {tipHeight}, " +
                (resumed ? "opening finished an interrupted connect or switch" : "nothing left to finish"));
        }

        var final = RunHarness(datadir, blocksFile, pauseBefore: null, TimeSpan.Zero);
        Assert.That(final.ExitCode, Is.Zero, final.Stderr);
        Assert.That(final.Lines[^1], Is.EqualTo($"done {ForkTipHeight}"));
        Assert.That(AssertConsistent(datadir, blocks).Stored, Is.EqualTo(blocks.Count));
        using var chainState = new ChainState(datadir, RegtestChain.Parameters, (_, _, _) => null);
        Assert.That(chainState.Tip.Hash, Is.EqualTo(blocks[^1].Header.Hash));
    }

    /// <summary>
    /// Checks the datadir as the killed process left it (before any recovery), then opens it as a node would and
    /// checks again. Returns how many of <paramref name="blocks"/> are stored, the tip height as the kill left it, and
    /// whether opening moved the tip (it finished a connect or a chain switch the kill interrupted).
    /// </summary>
    private static (int Stored, int TipHeight, bool Resumed) AssertConsistent(string datadir, IReadOnlyList<Block> blocks)
    {
        BlockIndexRecord tip;
        using (var database = ChainDatabase.Open(Path.Combine(datadir, ChainDatabase.FileName)))
        {
            var index = database.ReadBlockIndex().ToDictionary(r => r.Hash);
            tip = index[database.ReadTip()!.Value];
            Assert.That(tip.Status.HasFlag(BlockStatus.ConnectedValid), $"tip {tip.Hash} at {tip.Height} is not connected");
            var active = new List<BlockIndexRecord> { tip };
            while (active[^1].Height > 0) active.Add(index[active[^1].Header.PrevBlock]);
            active.Reverse();

            var activeBlocks = active.Skip(1).Select(r => database.ReadBlock(r.Hash)!).ToList();
            Assert.That(database.ReadAllCoins().ToDictionary(), Is.EquivalentTo(RegtestChain.Replay(activeBlocks)),
                $"UTXO set at tip height {tip.Height} differs from a replay of its chain");
            foreach (var record in index.Values)
            {
                bool isActive = record.Height < active.Count && active[record.Height].Hash == record.Hash;
                Assert.That(database.ReadUndo(record.Hash) is not null, Is.EqualTo(isActive && record.Height > 0),
                    $"undo data of block {record.Hash} at {record.Height} (active: {isActive})");
            }
        }

        using var chainState = new ChainState(datadir, RegtestChain.Parameters, (_, _, _) => null);
        var tipAfterOpen = chainState.Tip;
        var stored = blocks.Where(b => chainState.GetHeader(b.Header.Hash) is not null).ToList();
        // Opening finishes an interrupted switch: the tip is the stored block with the most work (the latest stored one here).
        Assert.That(tipAfterOpen.Hash, Is.EqualTo(stored.Count == 0 ? RegtestChain.Parameters.Genesis.Header.Hash : BestStored(stored)));
        var chain = new List<Block>();
        for (int height = 1; chainState.GetBlockHash(height) is { } hash; height++) chain.Add(chainState.GetBlock(hash)!);
        Assert.That(chainState.GetUtxoSet().ToDictionary(), Is.EquivalentTo(RegtestChain.Replay(chain)));
        return (stored.Count, tip.Height, tipAfterOpen.Hash != tip.Hash);
    }

    /// <summary>The highest stored block (every block has the same work on regtest); among equal heights the main chain's, stored first.</summary>
    private static Hash256 BestStored(List<Block> storedInFileOrder)
    {
        var heights = new Dictionary<Hash256, int> { [RegtestChain.Parameters.Genesis.Header.Hash] = 0 };
        foreach (var block in storedInFileOrder) heights[block.Header.Hash] = heights[block.Header.PrevBlock] + 1;
        int best = heights.Values.Max();
        return storedInFileOrder.First(b => heights[b.Header.Hash] == best).Header.Hash;
    }

    private static void WriteBlocks(string path, IEnumerable<Block> blocks)
    {
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[4];
        foreach (var block in blocks)
        {
            var bytes = block.Serialize();
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            file.Write(length);
            file.Write(bytes);
        }
    }

    private sealed record HarnessRun(bool Killed, int ExitCode, IReadOnlyList<string> Lines, string Stderr);

    /// <summary>
    /// Runs the harness to the end, or, with <paramref name="pauseBefore"/>, releases it at that block and SIGKILLs it
    /// (Process.Kill) <paramref name="killDelay"/> later; a paused harness holds at the end (or before
    /// <paramref name="stopBefore"/>) instead of exiting, so the kill always finds it.
    /// </summary>
    private static HarnessRun RunHarness(string datadir, string blocksFile, int? pauseBefore, TimeSpan killDelay, int? stopBefore = null)
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "crash-harness", "TensorCash.CrashHarness.dll");
        Assert.That(File.Exists(harness), $"{harness} is missing (it is copied by the test project's build)");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", harness, datadir, blocksFile, RegtestChain.Now.ToString() }) start.ArgumentList.Add(argument);
        if (pauseBefore is { } ordinal) start.ArgumentList.Add(ordinal.ToString());
        if (stopBefore is { } stop) start.ArgumentList.Add(stop.ToString());

        using var process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        // A hung harness must not hang the suite.
        using var watchdog = new Timer(_ =>
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { } // it exited meanwhile
        }, null, TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);

        var lines = new List<string>();
        bool killed = false;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(line);
            if (line == "paused")
            {
                process.StandardInput.WriteLine("go");
                process.StandardInput.Flush();
                // Spinning, not sleeping: a sleep's granularity is coarser than a block.
                var released = Stopwatch.StartNew();
                while (released.Elapsed < killDelay) Thread.SpinWait(20);
                try
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                }
                catch (InvalidOperationException) { } // it had already finished
                break;
            }
        }
        process.WaitForExit();
        lock (stderr) return new HarnessRun(killed, process.ExitCode, lines, stderr.ToString());
    }

    /// <summary>The dotnet host running the tests (the CLI exports it to child processes), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}
