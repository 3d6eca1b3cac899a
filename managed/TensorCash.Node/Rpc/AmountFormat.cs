using System.Globalization;

namespace TensorCash.Node.Rpc;

/// <summary>Exact text conversion between coin amounts ("1.5") and base units (150000000), never through floating point.</summary>
public static class AmountFormat
{
    public const long UnitsPerCoin = 100_000_000;

    public static string Format(long units)
    {
        string sign = units < 0 ? "-" : "";
        ulong magnitude = units < 0 ? (ulong)(-(units + 1)) + 1 : (ulong)units;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{magnitude / UnitsPerCoin}.{magnitude % UnitsPerCoin:D8}");
    }

    public static bool TryParse(string text, out long units)
    {
        units = 0;
        text = text.Trim();
        bool negative = text.StartsWith('-');
        if (negative) text = text[1..];
        int dot = text.IndexOf('.');
        string whole = dot < 0 ? text : text[..dot];
        string fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 && fraction.Length == 0) return false;
        if (fraction.Length > 8 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)) return false;
        if (whole.Length > 11) return false; // more than 99,999,999,999 coins cannot be a valid amount
        long coins = whole.Length == 0 ? 0 : long.Parse(whole, CultureInfo.InvariantCulture);
        long frac = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(8, '0'), CultureInfo.InvariantCulture);
        units = coins * UnitsPerCoin + frac;
        if (negative) units = -units;
        return true;
    }
}
