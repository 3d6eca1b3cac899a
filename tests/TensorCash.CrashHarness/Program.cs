using System.Buffers.Binary;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;

// Usage: TensorCash.CrashHarness <datadir> <blocks-file> <adjusted-now> [<pause-before> [<stop-before>]]
// Opens the regtest chainstate in <datadir> and submits every block of <blocks-file> in order: a sequence of
// (u32 little-endian length, serialized block). Prints "opened <height>", then "accepted <height> <status>" for each
// block newly stored (blocks already stored by an earlier, killed run are skipped), then "done <height>".
// With <pause-before> = n it prints "paused" before the n-th block of the file (1-based) and waits for a line on
// stdin, so the crash test can start its kill timer exactly when that block's processing begins. A paused run never
// exits by itself: it submits blocks up to (not including) the <stop-before>-th, or to the end, then prints "holding"
// and waits for the kill, so a kill that comes late still finds the process, and a run meant to stop short of a
// block (the chain switch) cannot reach it however fast the machine is.
if (args.Length is < 3 or > 5 || !long.TryParse(args[2], out long now))
{
    Console.Error.WriteLine("usage: TensorCash.CrashHarness <datadir> <blocks-file> <adjusted-now> [<pause-before> [<stop-before>]]");
    return 2;
}
int pauseBefore = args.Length >= 4 ? int.Parse(args[3]) : 0;
int stopBefore = args.Length == 5 ? int.Parse(args[4]) : int.MaxValue;
try
{
    using var chainState = new ChainState(args[0], ChainParams.Regtest, (_, _, _) => null);
    Console.WriteLine($"opened {chainState.Tip.Height}");
    var bytes = File.ReadAllBytes(args[1]);
    int ordinal = 0;
    for (int offset = 0; offset < bytes.Length;)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
        var block = Block.Deserialize(bytes.AsSpan(offset + 4, length));
        offset += 4 + length;
        if (++ordinal == stopBefore) break;
        if (ordinal == pauseBefore)
        {
            Console.WriteLine("paused");
            Console.ReadLine();
        }
        var result = chainState.AcceptBlock(block, now);
        if (result.Violation is { Reason: "duplicate" }) continue;
        if (result.Status is BlockAcceptStatus.Rejected or BlockAcceptStatus.Invalid)
        {
            Console.Error.WriteLine($"block refused: {result}");
            return 1;
        }
        Console.WriteLine($"accepted {chainState.Tip.Height} {result.Status}");
    }
    if (pauseBefore > 0)
    {
        Console.WriteLine("holding");
        Console.ReadLine();
    }
    Console.WriteLine($"done {chainState.Tip.Height}");
    return 0;
}
catch (NodeStorageException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
