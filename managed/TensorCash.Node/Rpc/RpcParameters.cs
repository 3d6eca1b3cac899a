using System.Text.Json;
using TensorCash.Chain.Primitives;

namespace TensorCash.Node.Rpc;

/// <summary>
/// Positional parameters of one call, with bitcoind-style type errors ("JSON value of type string is not of
/// expected type number") so a wrong argument names its position and what was expected.
/// </summary>
public sealed class RpcParameters(string method, IReadOnlyList<JsonElement> values)
{
    public int Count => values.Count;

    public bool Has(int index) => index < values.Count && values[index].ValueKind != JsonValueKind.Null;

    private JsonElement At(int index, string name)
    {
        if (!Has(index)) throw new RpcException(RpcErrorCode.InvalidParams, $"{method}: missing required parameter {index + 1} ({name})");
        return values[index];
    }

    private RpcException TypeError(int index, string name, JsonElement value, string expected) =>
        new(RpcErrorCode.TypeError, $"{method}: parameter {index + 1} ({name}): JSON value of type {value.ValueKind.ToString().ToLowerInvariant()} is not of expected type {expected}");

    public string String(int index, string name)
    {
        var value = At(index, name);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            // `tensorcash cli` sends every argument that parses as JSON as JSON, so a string of digits arrives as a
            // number; its exact text is the string that was meant.
            JsonValueKind.Number => value.GetRawText(),
            _ => throw TypeError(index, name, value, "string"),
        };
    }

    public string? OptionalString(int index, string name) => Has(index) ? String(index, name) : null;

    public long Integer(int index, string name)
    {
        var value = At(index, name);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long result)) return result;
        // The CLI passes every argument as text; accept a string that is a whole number, as bitcoin-cli's conversion table does.
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, null, out result)) return result;
        throw TypeError(index, name, value, "integer");
    }

    public long OptionalInteger(int index, string name, long fallback) => Has(index) ? Integer(index, name) : fallback;

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; outside it is an invalid parameter (-8).</summary>
    public int Integer(int index, string name, int min, int max)
    {
        long value = Integer(index, name);
        if (value < min || value > max)
            throw new RpcException(RpcErrorCode.InvalidParameter, $"{method}: {name} must be between {min} and {max} (got {value})");
        return (int)value;
    }

    /// <summary>A JSON array of strings.</summary>
    public IReadOnlyList<string> StringArray(int index, string name)
    {
        var value = At(index, name);
        if (value.ValueKind != JsonValueKind.Array) throw TypeError(index, name, value, "array");
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw new RpcException(RpcErrorCode.TypeError, $"{method}: parameter {index + 1} ({name}): every element must be a string, not {item.ValueKind.ToString().ToLowerInvariant()}");
            items.Add(item.GetString()!);
        }
        return items;
    }

    /// <summary>A block hash or txid in display form (64 hex digits), with bitcoind's -8 errors otherwise.</summary>
    public Hash256 Hash(int index, string name)
    {
        string text = String(index, name);
        if (text.Length != 2 * Hash256.Size)
            throw new RpcException(RpcErrorCode.InvalidParameter, $"{method}: {name} must be of length {2 * Hash256.Size} (not {text.Length}, for '{Abbreviate(text)}')");
        if (!Hash256.TryParse(text, out var hash))
            throw new RpcException(RpcErrorCode.InvalidParameter, $"{method}: {name} must be hexadecimal string (not '{text}')");
        return hash;
    }

    /// <summary>Hex-encoded bytes; anything else fails with <paramref name="code"/> (sendrawtransaction uses -22, as bitcoind does).</summary>
    public byte[] HexBytes(int index, string name, RpcErrorCode code = RpcErrorCode.InvalidParameter)
    {
        string text = String(index, name);
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new RpcException(code, $"{method}: {name} is not an even number of hex digits (got {text.Length} characters starting '{Abbreviate(text)}')");
        }
    }

    private static string Abbreviate(string text) => text.Length <= 80 ? text : text[..80] + "...";

    public bool Boolean(int index, string name, bool fallback)
    {
        if (!Has(index)) return fallback;
        var value = values[index];
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out bool parsed) => parsed,
            _ => throw TypeError(index, name, value, "bool"),
        };
    }

    /// <summary>An amount in coins as a JSON number or decimal string, converted exactly to base units (8 decimals).</summary>
    public long Amount(int index, string name)
    {
        var value = At(index, name);
        string text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString()!,
            _ => throw TypeError(index, name, value, "amount"),
        };
        if (!AmountFormat.TryParse(text, out long units, out string? error))
            throw new RpcException(error == "amount out of range" ? RpcErrorCode.InvalidParameter : RpcErrorCode.TypeError,
                $"{method}: parameter {index + 1} ({name}): '{Abbreviate(text)}' is not an amount: {error} (at most 8 decimals)");
        return units;
    }
}
