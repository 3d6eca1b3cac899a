using System.Globalization;
using System.Text.RegularExpressions;

namespace TensorCash.Engine.Tokenization;

/// <summary>
/// A .NET regex run with code-point semantics, as the Rust (Oniguruma) and JavaScript (/u) engines that tokenizer
/// patterns are written for behave. .NET matches UTF-16 units, so a character outside the BMP is two surrogates of
/// category Cs: <c>\p{L}+</c> would not match 𝔘 and <c>\p{N}{1,3}</c> would count 𝟏 twice. When the text holds
/// surrogates we match a shadow string with one BMP stand-in per code point, chosen to have the same Unicode
/// general category, and map the match positions back to the original text.
/// </summary>
internal sealed class CodePointRegex
{
    private static readonly char[] CategoryStandIns = BuildCategoryStandIns();
    private readonly Regex _regex;

    /// <exception cref="ArgumentException">The pattern is not a valid .NET regex.</exception>
    public CodePointRegex(string pattern)
    {
        _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>Non-empty matches as (start, length) in UTF-16 units of <paramref name="text"/>.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
                if (m.Length > 0) result.Add((m.Index, m.Length));
            return result;
        }

        var (shadow, utf16Offsets) = BuildShadow(text);
        for (var m = _regex.Match(shadow); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            int start = utf16Offsets[m.Index];
            result.Add((start, utf16Offsets[m.Index + m.Length] - start));
        }
        return result;
    }

    /// <summary>Replaces every match of the pattern (code-point semantics) with <paramref name="replacement"/> taken literally.</summary>
    public string Replace(string text, string replacement)
    {
        var matches = Matches(text);
        if (matches.Count == 0) return text;
        var sb = new System.Text.StringBuilder(text.Length);
        int pos = 0;
        foreach (var (start, length) in matches)
        {
            sb.Append(text, pos, start - pos).Append(replacement);
            pos = start + length;
        }
        return sb.Append(text, pos, text.Length - pos).ToString();
    }

    // offsets[i] is where shadow char i starts in the original; offsets[count] is text.Length.
    private static (string Shadow, int[] Utf16Offsets) BuildShadow(string text)
    {
        var shadow = new char[text.Length];
        var offsets = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length; n++)
        {
            offsets[n] = i;
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, text[i + 1]);
                shadow[n] = CategoryStandIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];
                i += 2;
            }
            else
            {
                // A lone surrogate is encoded as U+FFFD later, so let it match like that symbol does.
                shadow[n] = char.IsSurrogate(c) ? '\uFFFD' : c;
                i++;
            }
        }
        offsets[n] = text.Length;
        return (new string(shadow, 0, n), offsets);
    }

    // Stand-ins start above Latin-1 so they never equal an ASCII literal written in a pattern.
    private static char[] BuildCategoryStandIns()
    {
        var standIns = new char[32];
        var found = new bool[32];
        for (int c = 0x100; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            int cat = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (!found[cat]) { found[cat] = true; standIns[cat] = (char)c; }
        }
        // Categories with no BMP member fall back to an unassigned character: neither letter, number nor space.
        for (int cat = 0; cat < standIns.Length; cat++)
            if (!found[cat]) standIns[cat] = standIns[(int)UnicodeCategory.OtherNotAssigned];
        return standIns;
    }
}
