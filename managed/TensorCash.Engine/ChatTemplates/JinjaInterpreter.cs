using System.Text;

namespace TensorCash.Engine.ChatTemplates;

/// <summary>
/// Evaluates a parsed template. Scoping is Jinja's: a for loop's body runs in a fresh child scope per iteration, so
/// a set inside a loop does not leak out (namespace() objects exist for that); if blocks share their scope. Every
/// executed statement and loop iteration counts against <see cref="ChatTemplate.MaxSteps"/>, every produced string
/// against <see cref="ChatTemplate.MaxOutputChars"/>, and evaluation depth against
/// <see cref="ChatTemplate.MaxNestingDepth"/>, so a hostile template fails with an error instead of hanging or
/// exhausting memory.
/// </summary>
internal sealed class JinjaInterpreter
{
    private enum Flow { Normal, Break, Continue }

    internal sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

        public object? Get(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s._vars.TryGetValue(name, out var v)) return v;
            return JinjaUndefined.Instance;
        }

        public void Set(string name, object? value) => _vars[name] = value;
        public Scope? Parent { get; } = parent;
    }

    private readonly StringBuilder _output = new();
    private long _steps;
    private int _depth;

    public string Render(List<JinjaNode> body, IReadOnlyDictionary<string, object?> variables)
    {
        var globals = new Scope(null);
        JinjaBuiltins.AddGlobals(globals, this);
        var scope = new Scope(globals);
        foreach (var (name, value) in variables) scope.Set(name, value);
        if (Execute(body, scope) != Flow.Normal) throw new ChatTemplateException("{% break %} or {% continue %} outside a for loop");
        return _output.ToString();
    }

    /// <summary>Fails once a string the template builds would exceed the output limit.</summary>
    public string CheckSize(string s)
    {
        if (s.Length > ChatTemplate.MaxOutputChars)
            throw new ChatTemplateException($"chat template produced a string over the limit of {ChatTemplate.MaxOutputChars} characters");
        return s;
    }

    /// <summary>Counts work (statements, loop iterations, range elements) against the step limit.</summary>
    public void Step(long count = 1)
    {
        _steps += count;
        if (_steps > ChatTemplate.MaxSteps)
            throw new ChatTemplateException($"chat template ran over the limit of {ChatTemplate.MaxSteps} steps (an endless or huge loop?)");
    }

    private void Write(string s)
    {
        _output.Append(s);
        if (_output.Length > ChatTemplate.MaxOutputChars)
            throw new ChatTemplateException($"chat template output is over the limit of {ChatTemplate.MaxOutputChars} characters");
    }

    private Flow Execute(List<JinjaNode> nodes, Scope scope)
    {
        foreach (var node in nodes)
        {
            Step();
            switch (node)
            {
                case TextNode t: Write(t.Text); break;
                case EmitNode e: Write(JinjaValues.Render(Evaluate(e.Value, scope))); break;
                case SetNode s: Assign(s, scope); break;
                case BreakNode: return Flow.Break;
                case ContinueNode: return Flow.Continue;
                case IfNode i:
                {
                    var branch = i.Branches.FirstOrDefault(b => JinjaValues.IsTruthy(Evaluate(b.Condition, scope))).Body ?? i.Else;
                    if (branch is not null && Execute(branch, scope) is var flow && flow != Flow.Normal) return flow;
                    break;
                }
                case ForNode f: ExecuteFor(f, scope); break;
                default: throw new InvalidOperationException($"unknown node {node.GetType().Name}");
            }
        }
        return Flow.Normal;
    }

    private void Assign(SetNode s, Scope scope)
    {
        var value = Evaluate(s.Value, scope);
        switch (s.Target)
        {
            case NameExpr n:
                scope.Set(n.Name, value);
                break;
            case MemberExpr m:
                if (Evaluate(m.Target, scope) is not JinjaNamespace ns)
                    throw new ChatTemplateException($"cannot set attribute '{m.Name}': only namespace() objects can be assigned to");
                ns.Values[m.Name] = value;
                break;
        }
    }

    private void ExecuteFor(ForNode f, Scope scope)
    {
        var source = Evaluate(f.Iterable, scope);
        List<object?> items = source switch
        {
            List<object?> list => [.. list],
            OrderedDictionary<string, object?> map => map.Keys.Cast<object?>().ToList(),
            string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
            _ => throw new ChatTemplateException($"{{% for %}} over a {JinjaValues.TypeName(source)}, which is not iterable"),
        };
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                var probe = new Scope(scope);
                Bind(f.Targets, item, probe);
                return JinjaValues.IsTruthy(Evaluate(f.Filter, probe));
            }).ToList();
        }
        if (items.Count == 0)
        {
            if (f.Else is not null) Execute(f.Else, new Scope(scope));
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            Step();
            var iteration = new Scope(scope);
            Bind(f.Targets, items[i], iteration);
            iteration.Set("loop", new OrderedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)i + 1, ["index0"] = (long)i, ["first"] = i == 0, ["last"] = i == items.Count - 1,
                ["length"] = (long)items.Count, ["revindex"] = (long)(items.Count - i), ["revindex0"] = (long)(items.Count - i - 1),
                ["previtem"] = i > 0 ? items[i - 1] : JinjaUndefined.Instance,
                ["nextitem"] = i + 1 < items.Count ? items[i + 1] : JinjaUndefined.Instance,
            });
            if (Execute(f.Body, iteration) == Flow.Break) break;
        }
    }

    private static void Bind(string[] targets, object? item, Scope scope)
    {
        if (targets.Length == 1)
        {
            scope.Set(targets[0], item);
            return;
        }
        if (item is not List<object?> tuple || tuple.Count != targets.Length)
            throw new ChatTemplateException($"cannot unpack a {JinjaValues.TypeName(item)} into {targets.Length} loop variables");
        for (int i = 0; i < targets.Length; i++) scope.Set(targets[i], tuple[i]);
    }

    public object? Evaluate(JinjaExpr expr, Scope scope)
    {
        if (++_depth > ChatTemplate.MaxNestingDepth)
            throw new ChatTemplateException($"chat template expressions nested deeper than {ChatTemplate.MaxNestingDepth} levels");
        try
        {
            return EvaluateCore(expr, scope);
        }
        finally
        {
            _depth--;
        }
    }

    private object? EvaluateCore(JinjaExpr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l: return l.Value;
            case NameExpr n: return scope.Get(n.Name);
            case MemberExpr m: return JinjaBuiltins.GetMember(Evaluate(m.Target, scope), m.Name, this);
            case IndexExpr i: return JinjaBuiltins.GetItem(Evaluate(i.Target, scope), Evaluate(i.Index, scope), this);
            case SliceExpr s:
                return JinjaBuiltins.Slice(Evaluate(s.Target, scope), Optional(s.Start, scope), Optional(s.Stop, scope), Optional(s.Step, scope));
            case CallExpr c:
            {
                var callee = Evaluate(c.Callee, scope);
                if (callee is not JinjaFunction fn)
                    throw new ChatTemplateException($"{Describe(c.Callee)} is a {JinjaValues.TypeName(callee)}, not a function");
                return fn.Invoke(c.Args.ConvertAll(a => Evaluate(a, scope)), Kwargs(c.Kwargs, scope));
            }
            case FilterExpr f:
                return JinjaBuiltins.ApplyFilter(f.Name, Evaluate(f.Value, scope), f.Args.ConvertAll(a => Evaluate(a, scope)), Kwargs(f.Kwargs, scope), this);
            case TestExpr t:
            {
                bool result = JinjaBuiltins.ApplyTest(t.Name, Evaluate(t.Value, scope), t.Args.ConvertAll(a => Evaluate(a, scope)));
                return t.Negated ? !result : result;
            }
            case UnaryExpr u:
            {
                var v = Evaluate(u.Operand, scope);
                return u.Operator switch
                {
                    "not" => !JinjaValues.IsTruthy(v),
                    "-" => v switch
                    {
                        long n => (object)(-n),
                        double d => (object)(-d),
                        _ => throw new ChatTemplateException($"cannot negate a {JinjaValues.TypeName(v)}"),
                    },
                    _ => v is long or double ? v : throw new ChatTemplateException($"unary + on a {JinjaValues.TypeName(v)}"),
                };
            }
            case BinaryExpr b when b.Operator == "and":
            {
                var left = Evaluate(b.Left, scope);
                return JinjaValues.IsTruthy(left) ? Evaluate(b.Right, scope) : left;
            }
            case BinaryExpr b when b.Operator == "or":
            {
                var left = Evaluate(b.Left, scope);
                return JinjaValues.IsTruthy(left) ? left : Evaluate(b.Right, scope);
            }
            case BinaryExpr b: return JinjaBuiltins.Binary(b.Operator, Evaluate(b.Left, scope), Evaluate(b.Right, scope), this);
            case ConditionalExpr c:
                return JinjaValues.IsTruthy(Evaluate(c.Condition, scope)) ? Evaluate(c.Then, scope)
                    : c.Else is null ? JinjaUndefined.Instance : Evaluate(c.Else, scope);
            case ListExpr l: return l.Items.ConvertAll(i => Evaluate(i, scope));
            case DictExpr d:
            {
                var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in d.Items)
                    map[Evaluate(k, scope) as string ?? throw new ChatTemplateException("dict keys must be strings")] = Evaluate(v, scope);
                return map;
            }
            default: throw new InvalidOperationException($"unknown expression {expr.GetType().Name}");
        }
    }

    private object? Optional(JinjaExpr? e, Scope scope) => e is null ? null : Evaluate(e, scope);

    private Dictionary<string, object?> Kwargs(List<(string Name, JinjaExpr Value)> kwargs, Scope scope)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in kwargs) result[name] = Evaluate(value, scope);
        return result;
    }

    private static string Describe(JinjaExpr e) => e switch
    {
        NameExpr n => $"'{n.Name}'",
        MemberExpr m => $"'{m.Name}'",
        _ => "the called value",
    };
}
