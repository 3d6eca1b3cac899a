using System.Globalization;

namespace TensorCash.Engine.ChatTemplates;

/// <summary>
/// The functions, filters, tests, operators and methods chat templates use: globals raise_exception, range and
/// namespace; filters trim, length/count, upper, lower, title, capitalize, tojson, string, int, float, join, first,
/// last, reverse, list, default/d, replace, items, safe, abs, map(attribute=), selectattr, rejectattr; tests defined,
/// undefined, none, string, number, integer, float, boolean, mapping, iterable, sequence, callable, true, false, even,
/// odd, equalto; string methods strip/lstrip/rstrip, split, startswith, endswith, upper, lower, title, capitalize,
/// replace; mapping methods items, keys, values, get. Anything else is a clear error naming it.
/// </summary>
internal static class JinjaBuiltins
{
    public static void AddGlobals(JinjaInterpreter.Scope scope, JinjaInterpreter interpreter)
    {
        scope.Set("raise_exception", new JinjaFunction("raise_exception", (args, _) =>
            throw new ChatTemplateException(args.Count > 0 ? JinjaValues.Render(args[0]) : "raise_exception called", raised: true)));
        scope.Set("range", new JinjaFunction("range", (args, _) =>
        {
            var n = args.Select(a => a as long? ?? throw new ChatTemplateException("range() takes integers")).ToArray();
            var (start, stop, step) = n.Length switch
            {
                1 => (0L, n[0], 1L),
                2 => (n[0], n[1], 1L),
                3 => (n[0], n[1], n[2]),
                _ => throw new ChatTemplateException("range() takes 1 to 3 arguments"),
            };
            if (step == 0) throw new ChatTemplateException("range() step must not be zero");
            long count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
            interpreter.Step(count);
            var list = new List<object?>((int)count);
            for (long i = 0; i < count; i++) list.Add(start + i * step);
            return list;
        }));
        scope.Set("namespace", new JinjaFunction("namespace", (args, kwargs) =>
        {
            var values = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            if (args.Count > 0 && args[0] is OrderedDictionary<string, object?> initial)
                foreach (var (k, v) in initial) values[k] = v;
            foreach (var (k, v) in kwargs) values[k] = v;
            return new JinjaNamespace(values);
        }));
    }

    public static object? GetMember(object? target, string name, JinjaInterpreter interpreter) => target switch
    {
        OrderedDictionary<string, object?> map when map.TryGetValue(name, out var v) => v,
        OrderedDictionary<string, object?> map => (object?)MappingMethod(map, name) ?? JinjaUndefined.Instance,
        JinjaNamespace ns => ns.Values.TryGetValue(name, out var v) ? v : JinjaUndefined.Instance,
        string s => (object?)StringMethod(s, name, interpreter) ?? JinjaUndefined.Instance,
        _ => JinjaUndefined.Instance,
    };

    public static object? GetItem(object? target, object? index, JinjaInterpreter interpreter)
    {
        switch (target, index)
        {
            case (List<object?> list, long i):
                if (i < 0) i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : JinjaUndefined.Instance;
            case (string s, long i):
                if (i < 0) i += s.Length;
                return i >= 0 && i < s.Length ? s[(int)i].ToString() : JinjaUndefined.Instance;
            case (_, string key):
                return GetMember(target, key, interpreter);
            default:
                return JinjaUndefined.Instance;
        }
    }

    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        long? Index(object? v, string what) => v switch
        {
            null => null,
            long n => n,
            _ => throw new ChatTemplateException($"slice {what} must be an integer, found a {JinjaValues.TypeName(v)}"),
        };
        long s = Index(step, "step") ?? 1;
        if (s == 0) throw new ChatTemplateException("slice step must not be zero");
        int length = target switch
        {
            List<object?> l => l.Count,
            string str => str.Length,
            _ => throw new ChatTemplateException($"cannot slice a {JinjaValues.TypeName(target)}"),
        };
        // Python's slice.indices().
        long Clamp(long? v, long fallback)
        {
            if (v is not { } x) return fallback;
            if (x < 0) x += length;
            return s > 0 ? Math.Clamp(x, 0, length) : Math.Clamp(x, -1, length - 1);
        }
        long from = Clamp(Index(start, "start"), s > 0 ? 0 : length - 1);
        long to = Clamp(Index(stop, "stop"), s > 0 ? length : -1);
        var picked = new List<int>();
        for (long i = from; s > 0 ? i < to : i > to; i += s) picked.Add((int)i);
        return target is string text ? string.Concat(picked.Select(i => text[i])) : picked.Select(i => ((List<object?>)target!)[i]).ToList();
    }

    public static object? Binary(string op, object? a, object? b, JinjaInterpreter interpreter)
    {
        switch (op)
        {
            case "==": return JinjaValues.Equals(a, b);
            case "!=": return !JinjaValues.Equals(a, b);
            case "~": return interpreter.CheckSize(JinjaValues.Render(a) + JinjaValues.Render(b));
            case "in": return Contains(b, a);
            case "not in": return !Contains(b, a);
            case "<" or ">" or "<=" or ">=":
            {
                int c = (a, b) switch
                {
                    (string x, string y) => string.CompareOrdinal(x, y),
                    _ when IsNumber(a) && IsNumber(b) => ToDouble(a).CompareTo(ToDouble(b)),
                    _ => throw new ChatTemplateException($"cannot compare a {JinjaValues.TypeName(a)} with a {JinjaValues.TypeName(b)}"),
                };
                return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 };
            }
            case "+":
                switch (a, b)
                {
                    case (long x, long y): return checked(x + y);
                    case (List<object?> x, List<object?> y): return x.Concat(y).ToList();
                    case (string, _) or (_, string): return interpreter.CheckSize(JinjaValues.Render(a) + JinjaValues.Render(b));
                }
                break;
            case "-" when a is long x && b is long y: return checked(x - y);
            case "*" when a is long x && b is long y: return checked(x * y);
            case "//" when a is long x && b is long y:
                if (y == 0) throw new ChatTemplateException("integer division by zero");
                return (long)Math.Floor((double)x / y);
            case "%" when a is long x && b is long y:
                if (y == 0) throw new ChatTemplateException("modulo by zero");
                return ((x % y) + y) % y;
        }
        if (op is "+" or "-" or "*" or "/" or "//" or "%" && IsNumber(a) && IsNumber(b))
        {
            double x = ToDouble(a), y = ToDouble(b);
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "//" => Math.Floor(x / y),
                _ => x - y * Math.Floor(x / y),
            };
        }
        throw new ChatTemplateException($"unsupported operand types for '{op}': {JinjaValues.TypeName(a)} and {JinjaValues.TypeName(b)}");
    }

    private static bool IsNumber(object? v) => v is long or double;
    private static double ToDouble(object? v) => v is long n ? n : (double)v!;

    private static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string needle => s.Contains(needle, StringComparison.Ordinal),
        List<object?> list => list.Any(x => JinjaValues.Equals(x, item)),
        OrderedDictionary<string, object?> map => item is string key && map.ContainsKey(key),
        null or JinjaUndefined => false,
        _ => throw new ChatTemplateException($"'in' on a {JinjaValues.TypeName(container)}"),
    };

    public static bool ApplyTest(string name, object? v, List<object?> args) => name switch
    {
        "defined" => v is not JinjaUndefined,
        "undefined" => v is JinjaUndefined,
        "none" => v is null,
        "string" => v is string,
        "number" => v is long or double,
        "integer" => v is long,
        "float" => v is double,
        "boolean" => v is bool,
        "mapping" => v is OrderedDictionary<string, object?> or JinjaNamespace,
        "iterable" => v is List<object?> or OrderedDictionary<string, object?> or string,
        "sequence" => v is List<object?> or string,
        "callable" => v is JinjaFunction,
        "true" => v is true,
        "false" => v is false,
        "even" => v is long n && n % 2 == 0,
        "odd" => v is long n && n % 2 != 0,
        "equalto" or "eq" or "==" => args.Count == 1 ? JinjaValues.Equals(v, args[0]) : throw new ChatTemplateException($"test '{name}' takes one argument"),
        _ => throw new ChatTemplateException($"test '{name}' is not supported by this chat-template interpreter"),
    };

    public static object? ApplyFilter(string name, object? v, List<object?> args, Dictionary<string, object?> kwargs, JinjaInterpreter interpreter)
    {
        object? Arg(int i, string kw, object? fallback) => i < args.Count ? args[i] : kwargs.TryGetValue(kw, out var k) ? k : fallback;
        switch (name)
        {
            case "trim": return PyStrip(AsString(v, name), Arg(0, "chars", null) as string, true, true);
            case "length" or "count":
                return v switch
                {
                    string s => (long)s.Length,
                    List<object?> l => (long)l.Count,
                    OrderedDictionary<string, object?> m => (long)m.Count,
                    _ => throw new ChatTemplateException($"filter '{name}' on a {JinjaValues.TypeName(v)}"),
                };
            case "upper": return AsString(v, name).ToUpperInvariant();
            case "lower": return AsString(v, name).ToLowerInvariant();
            case "title": return Title(AsString(v, name));
            case "capitalize": return Capitalize(AsString(v, name));
            case "string": return JinjaValues.Render(v);
            case "safe": return v;
            case "tojson":
                return interpreter.CheckSize(JinjaValues.ToJson(v, Arg(0, "indent", null) switch
                {
                    null => null,
                    long n => (int)Math.Clamp(n, 0, 64),
                    var other => throw new ChatTemplateException($"tojson indent must be an integer, found a {JinjaValues.TypeName(other)}"),
                }, 0));
            case "int":
                return v switch
                {
                    long n => n,
                    double d => (long)d,
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) => n,
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return v switch
                {
                    long n => (double)n,
                    double d => d,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return v switch { long n => (object)Math.Abs(n), double d => Math.Abs(d), _ => throw new ChatTemplateException($"filter 'abs' on a {JinjaValues.TypeName(v)}") };
            case "join":
            {
                string separator = Arg(0, "d", "") as string ?? "";
                var items = AsList(v, name);
                return interpreter.CheckSize(string.Join(separator, items.Select(JinjaValues.Render)));
            }
            case "first": return AsList(v, name) is { Count: > 0 } f ? f[0] : JinjaUndefined.Instance;
            case "last": return AsList(v, name) is { Count: > 0 } last ? last[^1] : JinjaUndefined.Instance;
            case "reverse": return v is string rs ? new string(rs.Reverse().ToArray()) : Enumerable.Reverse(AsList(v, name)).ToList();
            case "list": return AsList(v, name);
            case "items":
                return v is OrderedDictionary<string, object?> map
                    ? map.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()
                    : throw new ChatTemplateException($"filter 'items' on a {JinjaValues.TypeName(v)}");
            case "default" or "d":
            {
                bool boolean = JinjaValues.IsTruthy(Arg(1, "boolean", false));
                bool useDefault = v is JinjaUndefined || (boolean && !JinjaValues.IsTruthy(v));
                return useDefault ? Arg(0, "default_value", "") : v;
            }
            case "replace":
            {
                string s = AsString(v, name);
                if (Arg(0, "old", null) is not string from || Arg(1, "new", null) is not string to)
                    throw new ChatTemplateException("filter 'replace' takes two strings");
                return interpreter.CheckSize(from.Length == 0 ? s : s.Replace(from, to, StringComparison.Ordinal));
            }
            case "map":
            {
                if (!kwargs.TryGetValue("attribute", out var attribute) || attribute is not string attr)
                    throw new ChatTemplateException("filter 'map' is supported only as map(attribute='name')");
                return AsList(v, name).Select(item => GetMember(item, attr, interpreter)).ToList();
            }
            case "selectattr" or "rejectattr":
            {
                if (Arg(0, "attr", null) is not string attr) throw new ChatTemplateException($"filter '{name}' needs an attribute name");
                string? test = args.Count > 1 ? args[1] as string : null;
                bool keep = name == "selectattr";
                return AsList(v, name).Where(item =>
                {
                    var value = GetMember(item, attr, interpreter);
                    bool passes = test is null ? JinjaValues.IsTruthy(value) : ApplyTest(test, value, args.Skip(2).ToList());
                    return passes == keep;
                }).ToList();
            }
            default:
                throw new ChatTemplateException($"filter '{name}' is not supported by this chat-template interpreter");
        }
    }

    private static string AsString(object? v, string where) =>
        v as string ?? (v is JinjaUndefined ? "" : throw new ChatTemplateException($"'{where}' needs a string, found a {JinjaValues.TypeName(v)}"));

    private static List<object?> AsList(object? v, string where) => v switch
    {
        List<object?> l => l,
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        OrderedDictionary<string, object?> m => m.Keys.Cast<object?>().ToList(),
        _ => throw new ChatTemplateException($"'{where}' needs a list, found a {JinjaValues.TypeName(v)}"),
    };

    private static JinjaFunction? MappingMethod(OrderedDictionary<string, object?> map, string name) => name switch
    {
        "items" => new(name, (_, _) => map.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()),
        "keys" => new(name, (_, _) => map.Keys.Cast<object?>().ToList()),
        "values" => new(name, (_, _) => map.Values.ToList()),
        "get" => new(name, (args, _) => args.Count > 0 && args[0] is string key && map.TryGetValue(key, out var v) ? v : args.Count > 1 ? args[1] : null),
        _ => null,
    };

    private static JinjaFunction? StringMethod(string s, string name, JinjaInterpreter interpreter) => name switch
    {
        "strip" => new(name, (args, _) => PyStrip(s, args.Count > 0 ? args[0] as string : null, true, true)),
        "lstrip" => new(name, (args, _) => PyStrip(s, args.Count > 0 ? args[0] as string : null, true, false)),
        "rstrip" => new(name, (args, _) => PyStrip(s, args.Count > 0 ? args[0] as string : null, false, true)),
        "upper" => new(name, (_, _) => s.ToUpperInvariant()),
        "lower" => new(name, (_, _) => s.ToLowerInvariant()),
        "title" => new(name, (_, _) => Title(s)),
        "capitalize" => new(name, (_, _) => Capitalize(s)),
        "startswith" => new(name, (args, _) => Affix(s, args, name, (t, p) => t.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => new(name, (args, _) => Affix(s, args, name, (t, p) => t.EndsWith(p, StringComparison.Ordinal))),
        "split" => new(name, (args, kwargs) => Split(s, args.Count > 0 ? args[0] : kwargs.GetValueOrDefault("sep"),
            args.Count > 1 ? args[1] : kwargs.GetValueOrDefault("maxsplit", -1L))),
        "replace" => new(name, (args, _) =>
        {
            if (args.Count < 2 || args[0] is not string from || args[1] is not string to) throw new ChatTemplateException("replace() takes two strings");
            return interpreter.CheckSize(from.Length == 0 ? s : s.Replace(from, to, StringComparison.Ordinal));
        }),
        _ => null,
    };

    private static bool Affix(string s, List<object?> args, string name, Func<string, string, bool> test) => args.Count > 0 ? args[0] switch
    {
        string p => test(s, p),
        List<object?> options => options.Any(o => o is string p && test(s, p)),
        _ => throw new ChatTemplateException($"{name}() takes a string or a tuple of strings"),
    } : throw new ChatTemplateException($"{name}() takes one argument");

    /// <summary>Python str.strip family: whitespace by default, else any of the given characters.</summary>
    private static string PyStrip(string s, string? chars, bool left, bool right)
    {
        Func<char, bool> strip = chars is null ? char.IsWhiteSpace : c => chars.Contains(c);
        int start = 0, end = s.Length;
        if (left) while (start < end && strip(s[start])) start++;
        if (right) while (end > start && strip(s[end - 1])) end--;
        return s[start..end];
    }

    private static List<object?> Split(string s, object? separator, object? maxSplitValue)
    {
        long maxSplit = maxSplitValue as long? ?? -1;
        var parts = new List<object?>();
        if (separator is null)
        {
            // Python's split(): runs of whitespace, no empty strings.
            var words = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (maxSplit < 0 || words.Length <= maxSplit) return words.Cast<object?>().ToList();
            parts.AddRange(words.Take((int)maxSplit));
            int consumed = 0;
            for (int w = 0; w < maxSplit; w++) consumed = s.IndexOf(words[w], consumed, StringComparison.Ordinal) + words[w].Length;
            parts.Add(s[consumed..].TrimStart());
            return parts;
        }
        if (separator is not string sep || sep.Length == 0) throw new ChatTemplateException("split() separator must be a non-empty string");
        int pos = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[pos..at]);
            pos = at + sep.Length;
        }
        parts.Add(s[pos..]);
        return parts;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string Title(string s)
    {
        var chars = s.ToCharArray();
        bool startOfWord = true;
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = startOfWord ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            startOfWord = !char.IsLetterOrDigit(chars[i]);
        }
        return new string(chars);
    }
}
