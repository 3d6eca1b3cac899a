using System.Text;
using System.Text.RegularExpressions;

namespace TensorCash.Engine.ChatTemplates;

internal enum JinjaTokenKind { Text, OpenStatement, CloseStatement, OpenExpression, CloseExpression, Name, String, Integer, Float, Operator, End }

internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Position);

/// <summary>
/// Splits a template into text and tag tokens, the way chat-template renderers configure Jinja (transformers and
/// @huggingface/jinja): a single trailing newline is dropped, lstrip_blocks (spaces and tabs before a block or comment
/// tag at the start of a line go) and trim_blocks (the newline right after a block or comment tag goes). A '-' inside
/// a tag's delimiter strips the whitespace on that side. Comments are dropped. Inside tags: names, string literals
/// (with \n \t \r \b \f \\ \' \" \xNN \uNNNN escapes), integers, floats and operators.
/// </summary>
internal static class JinjaLexer
{
    private static readonly Regex LstripBlocks = new(@"^[ \t]*(\{[#%-])", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private static readonly Regex TrimBlocks = new(@"([#%-]\})\n", RegexOptions.CultureInvariant);
    private static readonly string[] Operators = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    public static List<JinjaToken> Tokenize(string template)
    {
        string src = template.EndsWith('\n') ? template[..^1] : template;
        src = LstripBlocks.Replace(src, "$1");
        src = TrimBlocks.Replace(src, "$1");

        var tokens = new List<JinjaToken>();
        int pos = 0;
        while (pos < src.Length)
        {
            int tag = NextTag(src, pos);
            if (tag > pos) tokens.Add(new(JinjaTokenKind.Text, src[pos..tag], pos));
            if (tag >= src.Length) break;
            pos = tag;
            char kind = src[pos + 1];
            bool stripBefore = pos + 2 < src.Length && src[pos + 2] == '-';
            if (stripBefore) StripTrailingWhitespace(tokens);
            if (kind == '#')
            {
                int end = src.IndexOf("#}", pos + 2, StringComparison.Ordinal);
                if (end < 0) throw Error(pos, "comment is not closed with #}");
                bool stripAfter = src[end - 1] == '-' && end - 1 >= pos + 2 + (stripBefore ? 1 : 0);
                pos = end + 2;
                if (stripAfter) pos = SkipWhitespace(src, pos);
                continue;
            }
            bool statement = kind == '%';
            tokens.Add(new(statement ? JinjaTokenKind.OpenStatement : JinjaTokenKind.OpenExpression, "", pos));
            pos += stripBefore ? 3 : 2;
            pos = LexTagBody(src, pos, statement, tokens);
        }
        tokens.Add(new(JinjaTokenKind.End, "", src.Length));
        return tokens;
    }

    private static int NextTag(string src, int from)
    {
        for (int i = src.IndexOf('{', from); i >= 0 && i + 1 < src.Length; i = src.IndexOf('{', i + 1))
            if (src[i + 1] is '%' or '{' or '#') return i;
        return src.Length;
    }

    private static void StripTrailingWhitespace(List<JinjaToken> tokens)
    {
        if (tokens.Count == 0 || tokens[^1].Kind != JinjaTokenKind.Text) return;
        string trimmed = tokens[^1].Value.TrimEnd();
        if (trimmed.Length == 0) tokens.RemoveAt(tokens.Count - 1);
        else tokens[^1] = tokens[^1] with { Value = trimmed };
    }

    private static int SkipWhitespace(string src, int pos)
    {
        while (pos < src.Length && char.IsWhiteSpace(src[pos])) pos++;
        return pos;
    }

    /// <summary>Tokens up to and including the closing delimiter; returns the position after it.</summary>
    private static int LexTagBody(string src, int pos, bool statement, List<JinjaToken> tokens)
    {
        string close = statement ? "%}" : "}}";
        int braceDepth = 0;
        while (true)
        {
            while (pos < src.Length && char.IsWhiteSpace(src[pos])) pos++;
            if (pos >= src.Length) throw Error(pos, $"tag is not closed with {close}");
            // A '}}' closes an expression only outside a dict literal's braces.
            bool atClose = string.CompareOrdinal(src, pos, close, 0, 2) == 0 && (statement || braceDepth == 0);
            bool atStripClose = src[pos] == '-' && pos + 2 < src.Length && string.CompareOrdinal(src, pos + 1, close, 0, 2) == 0 && (statement || braceDepth == 0);
            if (atClose || atStripClose)
            {
                tokens.Add(new(statement ? JinjaTokenKind.CloseStatement : JinjaTokenKind.CloseExpression, "", pos));
                pos += atStripClose ? 3 : 2;
                return atStripClose ? SkipWhitespace(src, pos) : pos;
            }
            char c = src[pos];
            if (c is '\'' or '"')
            {
                var (value, next) = ReadString(src, pos);
                tokens.Add(new(JinjaTokenKind.String, value, pos));
                pos = next;
            }
            else if (char.IsAsciiDigit(c))
            {
                int start = pos;
                while (pos < src.Length && (char.IsAsciiDigit(src[pos]) || src[pos] == '_')) pos++;
                bool isFloat = pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]);
                if (isFloat)
                {
                    pos++;
                    while (pos < src.Length && char.IsAsciiDigit(src[pos])) pos++;
                }
                tokens.Add(new(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, src[start..pos].Replace("_", ""), start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                int start = pos;
                while (pos < src.Length && (char.IsLetterOrDigit(src[pos]) || src[pos] == '_')) pos++;
                tokens.Add(new(JinjaTokenKind.Name, src[start..pos], start));
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(src, pos, o, 0, o.Length) == 0);
                if (op is null) throw Error(pos, $"unexpected character '{c}'");
                if (op == "{") braceDepth++;
                else if (op == "}") braceDepth--;
                tokens.Add(new(JinjaTokenKind.Operator, op, pos));
                pos += op.Length;
            }
        }
    }

    private static (string Value, int Next) ReadString(string src, int pos)
    {
        char quote = src[pos];
        var sb = new StringBuilder();
        int i = pos + 1;
        while (true)
        {
            if (i >= src.Length) throw Error(pos, "string literal is not closed");
            char c = src[i++];
            if (c == quote) return (sb.ToString(), i);
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (i >= src.Length) throw Error(pos, "string literal is not closed");
            char e = src[i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\' or '\'' or '"': sb.Append(e); break;
                case 'x' or 'u':
                    int digits = e == 'x' ? 2 : 4;
                    if (i + digits > src.Length || !int.TryParse(src.AsSpan(i, digits), System.Globalization.NumberStyles.HexNumber, null, out int code))
                        throw Error(i - 2, $"invalid \\{e} escape");
                    sb.Append((char)code);
                    i += digits;
                    break;
                default: throw Error(i - 2, $"unknown escape \\{e}");
            }
        }
    }

    private static ChatTemplateException Error(int position, string problem) => new($"chat template syntax error at offset {position}: {problem}");
}
