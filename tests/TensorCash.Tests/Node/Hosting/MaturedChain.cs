using TensorCash.Node.Hosting;

namespace TensorCash.Tests.Node.Hosting;

/// <summary>
/// A regtest datadir with <see cref="Height"/> real blocks, mined once per test run (about 10 s) and copied for each
/// test that needs spendable coins. The coinbases of blocks 1 and 2 pay OP_TRUE (spent by an empty scriptSig), those
/// of blocks 3 and 4 pay <see cref="WalletAddress"/> of the datadir's default wallet, the rest OP_TRUE again; at this
/// height blocks 1 to 4 are mature for the next block and the later ones are not.
/// </summary>
internal static class MaturedChain
{
    public const int Height = 103;
    public static readonly int[] WalletHeights = [3, 4];
    public static readonly byte[] OpTrue = [0x51];

    private static string _walletAddress = "";

    /// <summary>The wallet address the coinbases at <see cref="WalletHeights"/> pay.</summary>
    public static string WalletAddress
    {
        get
        {
            _ = Template.Value;
            return _walletAddress;
        }
    }

    private static readonly Lazy<string> Template = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A node on a private copy of the matured chain.</summary>
    public static TestNode Open(NodeOptions? options = null) => TestNode.Open(options, copyOf: Template.Value);

    /// <summary>The template datadir, mined on first use.</summary>
    public static string TemplateDirectory => Template.Value;

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
            _walletAddress = host.Wallet.GetNewAddress("fixture");
            PaymentAddress.TryGetScript(_walletAddress, host.Parameters, out var walletScript, out _);
            host.Generate(WalletHeights[0] - 1, OpTrue);
            host.Generate(WalletHeights.Length, walletScript);
            host.Generate(Height - WalletHeights[^1], OpTrue);
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return directory;
    }
}
