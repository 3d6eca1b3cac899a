using System.Text.Json;

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
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw TypeError(index, name, value, "string");
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
        if (!AmountFormat.TryParse(text, out long units))
            throw new RpcException(RpcErrorCode.TypeError, $"{method}: parameter {index + 1} ({name}): '{text}' is not an amount (at most 8 decimals)");
        return units;
    }
}
