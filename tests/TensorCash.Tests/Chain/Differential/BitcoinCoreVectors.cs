using System.Text.Json;
using NUnit.Framework;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// Reads Bitcoin Core's test vector files shipped in fixtures/bitcoin-core/ (source and commit in the README there).
/// Core's files mix vectors with one-string comment rows; those are skipped here.
/// </summary>
internal static class BitcoinCoreVectors
{
    public static string PathOf(string file) => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "bitcoin-core", file);

    /// <summary>The rows of a vector file that are vectors (more than one element), with their 0-based row number.</summary>
    public static IEnumerable<(int Row, JsonElement[] Fields)> Rows(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
        int row = 0;
        var rows = new List<(int, JsonElement[])>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var fields = element.EnumerateArray().Select(f => f.Clone()).ToArray();
            if (fields.Length > 1) rows.Add((row, fields));
            row++;
        }
        return rows;
    }

    /// <summary>tx_valid.json / tx_invalid.json: the spent outputs (prevout txid, index, scriptPubKey in Core's notation) and the transaction.</summary>
    public sealed record TransactionVector(int Row, (string Txid, long Index, string ScriptPubKey)[] Prevouts, byte[] Transaction, string Flags);

    public static IEnumerable<TransactionVector> Transactions(string file) =>
        Rows(file).Select(r => new TransactionVector(
            r.Row,
            r.Fields[0].EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetInt64(), p[2].GetString()!)).ToArray(),
            Convert.FromHexString(r.Fields[1].GetString()!),
            r.Fields[2].GetString()!));
}
