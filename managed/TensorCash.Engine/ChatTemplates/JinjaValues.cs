using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TensorCash.Engine.ChatTemplates;

/// <summary>An undefined variable or missing attribute: falsy, renders as nothing, fails when iterated or called.</summary>
internal sealed class JinjaUndefined
{
    public static readonly JinjaUndefined Instance = new();
    private JinjaUndefined() { }
}

/// <summary>A function value (globals such as raise_exception, and bound string/dict methods).</summary>
internal sealed record JinjaFunction(string Name, Func<List<object?>, Dictionary<string, object?>, object?> Invoke);

/// <summary>namespace(...): the one mutable object templates may assign attributes of across loop scopes.</summary>
internal sealed class JinjaNamespace(OrderedDictionary<string, object?> values)
{
    public OrderedDictionary<string, object?> Values { get; } = values;
}

/// <summary>
/// The runtime value model: null (none), <see cref="JinjaUndefined"/>, bool, long, double, string,
/// List&lt;object?&gt; (lists and tuples), OrderedDictionary&lt;string, object?&gt; (mappings, insertion ordered),
/// <see cref="JinjaNamespace"/> and <see cref="JinjaFunction"/>. Rendering and JSON follow @huggingface/jinja, the
/// renderer the fixtures come from: none renders as nothing, true as "true", 1.0 as "1.0", lists and mappings as
/// JSON with ", " and ": " separators.
/// </summary>
internal static class JinjaValues
{
    public static bool IsTruthy(object? v) => v switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        OrderedDictionary<string, object?> m => m.Count > 0,
        _ => true,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none",
        JinjaUndefined => "undefined",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "mapping",
        JinjaNamespace => "namespace",
        JinjaFunction => "function",
        _ => v.GetType().Name,
    };

    public static string Render(object? v) => v switch
    {
        null or JinjaUndefined => "",
        string s => s,
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        List<object?> or OrderedDictionary<string, object?> or JinjaNamespace => ToJson(v, null, 0),
        JinjaFunction f => $"<function {f.Name}>",
        _ => v.ToString() ?? "",
    };

    public static string FormatFloat(double d) =>
        double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e21 ? d.ToString("F1", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>tojson: JSON.stringify-style escaping, non-ASCII kept, ", " / ": " separators (or "," with an indent).</summary>
    public static string ToJson(object? v, int? indent, int depth)
    {
        switch (v)
        {
            case null or JinjaUndefined: return "null";
            case bool b: return b ? "true" : "false";
            case long n: return n.ToString(CultureInfo.InvariantCulture);
            case double d: return double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "null";
            case string s: return JsonString(s);
            case JinjaNamespace ns: return ToJson(ns.Values, indent, depth);
            case List<object?> or OrderedDictionary<string, object?>:
            {
                string pad = indent is { } i ? new string(' ', i) : "";
                string basePadding = "\n" + string.Concat(Enumerable.Repeat(pad, depth));
                string childPadding = basePadding + pad;
                string itemSeparator = indent is > 0 ? "," : ", ";
                var items = v is List<object?> list
                    ? list.Select(x => ToJson(x, indent, depth + 1)).ToList()
                    : ((OrderedDictionary<string, object?>)v).Select(kv => JsonString(kv.Key) + ": " + ToJson(kv.Value, indent, depth + 1)).ToList();
                (char open, char close) = v is List<object?> ? ('[', ']') : ('{', '}');
                return indent is > 0 && items.Count > 0
                    ? $"{open}{childPadding}{string.Join(itemSeparator + childPadding, items)}{basePadding}{close}"
                    : $"{open}{string.Join(itemSeparator, items)}{close}";
            }
            default: throw new ChatTemplateException($"cannot convert a {TypeName(v)} to JSON");
        }
    }

    private static string JsonString(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    bool loneSurrogate = char.IsHighSurrogate(c) ? !(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        : char.IsLowSurrogate(c) && !(i > 0 && char.IsHighSurrogate(s[i - 1]));
                    if (c < 0x20 || loneSurrogate) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Converts JSON (messages, tools) into template values; objects keep their key order.</summary>
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long n) ? (object)n : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new OrderedDictionary<string, object?>(StringComparer.Ordinal),
            (map, p) => { map[p.Name] = FromJson(p.Value); return map; }),
        _ => JinjaUndefined.Instance,
    };

    public static new bool Equals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (JinjaUndefined, JinjaUndefined) => true,
        (long x, long y) => x == y,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (double x, double y) => x == y,
        (bool x, bool y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Equals(p.First, p.Second)),
        _ => ReferenceEquals(a, b),
    };
}
