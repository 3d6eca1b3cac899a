using TensorCash.Node.Hosting;

namespace TensorCash.Tests.Node.Hosting;

/// <summary>
/// A regtest datadir with <see cref="Height"/> real blocks, mined once per test run (about 10 s) and copied for each
/// test that needs spendable coins: every coinbase pays OP_TRUE (spent by an empty scriptSig), so at this height the
/// coinbases of blocks 1 and 2 are mature for the next block.
/// </summary>
internal static class MaturedChain
{
    public const int Height = 101;
    public static readonly byte[] OpTrue = [0x51];

    private static readonly Lazy<string> Template = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A node on a private copy of the matured chain.</summary>
    public static TestNode Open(NodeOptions? options = null) => TestNode.Open(options, copyOf: Template.Value);

    private static string Create()
    {
        string directory = Directory.CreateTempSubdirectory("tc-matured-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { } // a leftover temporary directory is harmless
        };
        var host = NodeHost.Open(new NodeOptions { Network = TensorCash.Chain.Consensus.Network.Regtest, DataDirectory = directory, Threads = 1 });
        try
        {
            host.Generate(Height, OpTrue);
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return directory;
    }
}
