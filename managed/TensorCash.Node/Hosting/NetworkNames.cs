using TensorCash.Chain.Consensus;

namespace TensorCash.Node.Hosting;

/// <summary>The names operators type and the RPC reports for each network ("main", "testnet", "regtest").</summary>
public static class NetworkNames
{
    public static IReadOnlyList<string> All { get; } = ["main", "testnet", "regtest"];

    public static string Name(Network network) => network switch
    {
        Network.Main => "main",
        Network.Testnet => "testnet",
        Network.Regtest => "regtest",
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "unknown network"),
    };

    public static bool TryParse(string? name, out Network network)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "main": network = Network.Main; return true;
            case "testnet": network = Network.Testnet; return true;
            case "regtest": network = Network.Regtest; return true;
            default: network = default; return false;
        }
    }

    /// <summary>~/.tensorcash/&lt;network&gt;: where a node keeps its files unless told otherwise.</summary>
    public static string DefaultDataDirectory(Network network) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tensorcash", Name(network));
}
