using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;

namespace TensorCash.Node.Rpc;

/// <summary>
/// How RPC results spell chain values: amounts and difficulties as JSON numbers with their exact decimal digits
/// (never through floating point), hashes in Bitcoin's byte-reversed display form, and model ids and proof
/// commitments in byte order (as `tensorcash prove` and `tensorcash model` print them).
/// </summary>
public static class RpcJson
{
    private const int DifficultyDecimals = 8;
    private static readonly BigInteger DifficultyScale = BigInteger.Pow(10, DifficultyDecimals);

    /// <summary>A JSON number written exactly as <paramref name="text"/> (which must be a valid JSON number).</summary>
    public static JsonNode ExactNumber(string text) => JsonNode.Parse(text)!;

    /// <summary>An amount in coins with 8 decimals, as bitcoind writes amounts ("50.00000000").</summary>
    public static JsonNode Amount(long units) => ExactNumber(AmountFormat.Format(units));

    /// <summary>
    /// powLimit / target(<paramref name="bits"/>), rounded down to 8 decimals: 1 at the easiest target, 2 when a block
    /// needs twice the attempts. Relative to powLimit rather than Bitcoin's difficulty-1 target, which does not apply here.
    /// </summary>
    public static JsonNode Difficulty(uint bits, ChainParams parameters)
    {
        var target = CompactBits.DecodeTarget(bits);
        if (target is not { } t) return ExactNumber("0");
        var scaled = parameters.PowLimit * DifficultyScale / t;
        var whole = BigInteger.DivRem(scaled, DifficultyScale, out var fraction);
        return ExactNumber(string.Create(CultureInfo.InvariantCulture, $"{whole}.{fraction.ToString(CultureInfo.InvariantCulture).PadLeft(DifficultyDecimals, '0')}"));
    }

    /// <summary>A target (or chain work) as 64 hex digits, most significant first, as bitcoind writes "target" and "chainwork".</summary>
    public static string Uint256Hex(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return Convert.ToHexStringLower(bytes).PadLeft(64, '0');
    }

    public static string CompactHex(uint bits) => bits.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Bytes in serialized order: model ids, proof commitments, the proof binding B.</summary>
    public static string ByteOrderHex(Hash256 hash) => Convert.ToHexStringLower(hash.ToArray());

    /// <summary>The decoded transaction (bitcoind's decoderawtransaction shape, without segwit fields).</summary>
    public static JsonObject Transaction(Transaction tx, ChainParams parameters)
    {
        var inputs = new JsonArray();
        foreach (var input in tx.Inputs)
        {
            var entry = new JsonObject();
            if (tx.IsCoinbase)
            {
                entry["coinbase"] = Convert.ToHexStringLower(input.ScriptSig);
            }
            else
            {
                entry["txid"] = input.Prevout.Txid.ToString();
                entry["vout"] = input.Prevout.Index;
                entry["scriptSig"] = new JsonObject { ["hex"] = Convert.ToHexStringLower(input.ScriptSig) };
            }
            entry["sequence"] = input.Sequence;
            inputs.Add(entry);
        }
        var outputs = new JsonArray();
        for (int n = 0; n < tx.Outputs.Count; n++)
        {
            var output = tx.Outputs[n];
            outputs.Add(new JsonObject
            {
                ["value"] = Amount(output.Value),
                ["n"] = n,
                ["scriptPubKey"] = ScriptPubKey(output.ScriptPubKey, parameters),
            });
        }
        return new JsonObject
        {
            ["txid"] = tx.Txid.ToString(),
            ["hash"] = tx.Txid.ToString(), // no witness data: the hash is the txid
            ["version"] = tx.Version,
            ["size"] = tx.SerializedSize,
            ["locktime"] = tx.LockTime,
            ["vin"] = inputs,
            ["vout"] = outputs,
        };
    }

    public static JsonObject ScriptPubKey(byte[] script, ChainParams parameters)
    {
        var result = new JsonObject { ["hex"] = Convert.ToHexStringLower(script) };
        if (PaymentAddress.FromScript(script, parameters) is { } address)
        {
            result["address"] = address;
            result["type"] = "pubkeyhash";
        }
        else if (Chain.Script.ScriptTemplates.IsProvablyUnspendable(script))
        {
            result["type"] = "nulldata";
        }
        return result; // other scripts (pay-to-pubkey, multisig, hashlocks) are given by their hex only
    }
}
