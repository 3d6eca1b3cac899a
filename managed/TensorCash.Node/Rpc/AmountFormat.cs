using System.Globalization;

namespace TensorCash.Node.Rpc;

/// <summary>Exact text conversion between coin amounts ("1.5") and base units (150000000), never through floating point.</summary>
public static class AmountFormat
{
    public const long UnitsPerCoin = 100_000_000;

    public static string Format(long units)
    {
        string sign = units < 0 ? "-" : "";
        // |long.MinValue| does not fit in a long: take the magnitude as unsigned, with checked arithmetic.
        ulong magnitude = units < 0 ? checked((ulong)(-(units + 1)) + 1) : (ulong)units;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{magnitude / UnitsPerCoin}.{magnitude % UnitsPerCoin:D8}");
    }

    /// <summary>
    /// Parses "[-]digits[.digits]" with at most 8 decimals. False for anything else, including an amount whose base
    /// units do not fit in 64 bits (the arithmetic is checked: a huge value is refused, never wrapped).
    /// </summary>
    public static bool TryParse(string text, out long units) => TryParse(text, out units, out _);

    /// <summary>As <see cref="TryParse(string, out long)"/>, with why the text is not an amount.</summary>
    public static bool TryParse(string text, out long units, out string? error)
    {
        units = 0;
        error = null;
        text = text.Trim();
        bool negative = text.StartsWith('-');
        if (negative) text = text[1..];
        int dot = text.IndexOf('.');
        string whole = dot < 0 ? text : text[..dot];
        string fraction = dot < 0 ? "" : text[(dot + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            error = "not a decimal number of coins";
            return false;
        }
        if (fraction.Length > 8)
        {
            error = "more than 8 decimals";
            return false;
        }
        whole = whole.TrimStart('0');
        if (whole.Length > 11 || !long.TryParse(whole.Length == 0 ? "0" : whole, NumberStyles.None, CultureInfo.InvariantCulture, out long coins))
        {
            error = "amount out of range";
            return false;
        }
        long frac = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(8, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        try
        {
            // Negative amounts are built negative, so long.MinValue (whose magnitude has no long) parses too.
            units = negative ? checked(-coins * UnitsPerCoin - frac) : checked(coins * UnitsPerCoin + frac);
        }
        catch (OverflowException)
        {
            units = 0;
            error = "amount out of range";
            return false;
        }
        return true;
    }
}
