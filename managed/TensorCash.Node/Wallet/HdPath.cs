using System.Globalization;

namespace TensorCash.Node.Wallet;

/// <summary>
/// The wallet's BIP32 paths: BIP44-style m/44'/<see cref="CoinType"/>'/0'/chain/index, chain 0 receiving and 1 change.
/// BIP44 (not BIP84's m/84') because every wallet output is P2PKH. The coin type is our own constant, 21571 (0x5443,
/// "TC"): TensorCash has no SLIP-44 registration, and a number of its own keeps a mnemonic that is also used in a
/// Bitcoin wallet (coin type 0) from ever deriving the same keys on both chains. The same path on every network.
/// </summary>
public static class HdPath
{
    public const int CoinType = 21571;
    public const string AccountPath = "m/44'/21571'/0'";
    public const int ReceiveChain = 0;
    public const int ChangeChain = 1;

    public static string For(int chain, int index) => $"{AccountPath}/{chain}/{index}";

    /// <summary>The chain and index of a path <see cref="For"/> made.</summary>
    public static (int Chain, int Index) Parse(string path)
    {
        var parts = path[(AccountPath.Length + 1)..].Split('/');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public static string Validate(string path, string where)
    {
        if (!path.StartsWith(AccountPath + "/", StringComparison.Ordinal))
            throw new FormatException($"{where}'s path \"{path}\" is not under {AccountPath}");
        var parts = path[(AccountPath.Length + 1)..].Split('/');
        if (parts.Length != 2 || parts[0] is not ("0" or "1") || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"{where}'s path \"{path}\" is not {AccountPath}/{{0,1}}/index");
        return path;
    }
}
