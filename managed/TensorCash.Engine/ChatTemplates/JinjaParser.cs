using System.Globalization;

namespace TensorCash.Engine.ChatTemplates;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use. Statements: if/elif/else, for (with tuple
/// targets, an inline if filter and else), set (a name or a namespace attribute), break, continue; the
/// generation/endgeneration markers of transformers are accepted and ignored. Expressions follow Jinja's precedence:
/// conditional, or, and, not, comparisons and in, + -, ~, * / // %, unary -, then postfix . [] () and the | filter and
/// is test chains. Nesting depth is bounded by <see cref="ChatTemplate.MaxNestingDepth"/> so hostile input cannot
/// overflow the stack.
/// </summary>
internal sealed class JinjaParser
{
    private readonly List<JinjaToken> _tokens;
    private int _pos;
    private int _depth;

    private JinjaParser(List<JinjaToken> tokens) => _tokens = tokens;

    public static List<JinjaNode> Parse(string template)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(template));
        var body = parser.ParseBlock(out string? end);
        if (end is not null) throw parser.Error($"'{end}' without a matching opening tag");
        return body;
    }

    private JinjaToken Peek => _tokens[_pos];
    private JinjaToken Next() => _tokens[_pos++];

    private ChatTemplateException Error(string problem) => new($"chat template syntax error at offset {Peek.Position}: {problem}");

    private void Enter()
    {
        if (++_depth > ChatTemplate.MaxNestingDepth) throw Error($"nested deeper than {ChatTemplate.MaxNestingDepth} levels");
    }

    /// <summary>Nodes up to an end/else/elif tag (its keyword in <paramref name="terminator"/>, tag left unconsumed past the name) or the end.</summary>
    private List<JinjaNode> ParseBlock(out string? terminator)
    {
        Enter();
        var nodes = new List<JinjaNode>();
        while (true)
        {
            var t = Peek;
            switch (t.Kind)
            {
                case JinjaTokenKind.End:
                    terminator = null;
                    _depth--;
                    return nodes;
                case JinjaTokenKind.Text:
                    _pos++;
                    nodes.Add(new TextNode(t.Value));
                    break;
                case JinjaTokenKind.OpenExpression:
                    _pos++;
                    nodes.Add(new EmitNode(ParseExpression()));
                    Expect(JinjaTokenKind.CloseExpression, "}}");
                    break;
                case JinjaTokenKind.OpenStatement:
                    _pos++;
                    var keyword = Expect(JinjaTokenKind.Name, "a statement keyword").Value;
                    if (keyword is "endif" or "endfor" or "else" or "elif" or "endset")
                    {
                        terminator = keyword;
                        _depth--;
                        return nodes;
                    }
                    if (ParseStatement(keyword) is { } node) nodes.Add(node);
                    break;
                default:
                    throw Error($"unexpected {t.Kind}");
            }
        }
    }

    private JinjaNode? ParseStatement(string keyword)
    {
        switch (keyword)
        {
            case "if": return ParseIf();
            case "for": return ParseFor();
            case "set":
            {
                JinjaExpr target = new NameExpr(Expect(JinjaTokenKind.Name, "a variable name").Value);
                while (AcceptOperator(".")) target = new MemberExpr(target, Expect(JinjaTokenKind.Name, "an attribute name").Value);
                if (!AcceptOperator("=")) throw Error("only '{% set name = value %}' is supported (no set blocks)");
                var value = ParseExpression();
                CloseStatement();
                return new SetNode(target, value);
            }
            case "break": CloseStatement(); return new BreakNode();
            case "continue": CloseStatement(); return new ContinueNode();
            case "generation" or "endgeneration": CloseStatement(); return null;
            default: throw Error($"'{{% {keyword} %}}' is not supported by this chat-template interpreter");
        }
    }

    private IfNode ParseIf()
    {
        var branches = new List<(JinjaExpr, List<JinjaNode>)>();
        List<JinjaNode>? elseBody = null;
        var condition = ParseExpression();
        CloseStatement();
        while (true)
        {
            var body = ParseBlock(out string? end);
            branches.Add((condition, body));
            switch (end)
            {
                case "elif":
                    condition = ParseExpression();
                    CloseStatement();
                    continue;
                case "else":
                    CloseStatement();
                    elseBody = ParseBlock(out end);
                    if (end != "endif") throw Error("{% if %} ... {% else %} must end with {% endif %}");
                    CloseStatement();
                    return new IfNode(branches, elseBody);
                case "endif":
                    CloseStatement();
                    return new IfNode(branches, elseBody);
                default:
                    throw Error("{% if %} is not closed with {% endif %}");
            }
        }
    }

    private ForNode ParseFor()
    {
        var targets = new List<string> { Expect(JinjaTokenKind.Name, "a loop variable").Value };
        while (AcceptOperator(",")) targets.Add(Expect(JinjaTokenKind.Name, "a loop variable").Value);
        if (!AcceptName("in")) throw Error("expected 'in' in {% for %}");
        var iterable = ParseOr();
        JinjaExpr? filter = AcceptName("if") ? ParseExpression() : null;
        CloseStatement();
        var body = ParseBlock(out string? end);
        List<JinjaNode>? elseBody = null;
        if (end == "else")
        {
            CloseStatement();
            elseBody = ParseBlock(out end);
        }
        if (end != "endfor") throw Error("{% for %} is not closed with {% endfor %}");
        CloseStatement();
        return new ForNode(targets.ToArray(), iterable, filter, body, elseBody);
    }

    private void CloseStatement() => Expect(JinjaTokenKind.CloseStatement, "%}");

    private JinjaToken Expect(JinjaTokenKind kind, string what)
    {
        if (Peek.Kind != kind) throw Error($"expected {what}, found {Describe(Peek)}");
        return Next();
    }

    private static string Describe(JinjaToken t) => t.Kind switch
    {
        JinjaTokenKind.End => "the end of the template",
        JinjaTokenKind.Name or JinjaTokenKind.Operator => $"'{t.Value}'",
        _ => t.Kind.ToString(),
    };

    private bool AcceptOperator(string op)
    {
        if (Peek.Kind != JinjaTokenKind.Operator || Peek.Value != op) return false;
        _pos++;
        return true;
    }

    private bool AcceptName(string name)
    {
        if (Peek.Kind != JinjaTokenKind.Name || Peek.Value != name) return false;
        _pos++;
        return true;
    }

    private bool PeekName(string name, int ahead = 0) =>
        _pos + ahead < _tokens.Count && _tokens[_pos + ahead].Kind == JinjaTokenKind.Name && _tokens[_pos + ahead].Value == name;

    public JinjaExpr ParseExpression()
    {
        Enter();
        var value = ParseOr();
        while (AcceptName("if"))
        {
            var condition = ParseOr();
            JinjaExpr? otherwise = AcceptName("else") ? ParseExpression() : null;
            value = new ConditionalExpr(condition, value, otherwise);
        }
        _depth--;
        return value;
    }

    private JinjaExpr ParseOr()
    {
        var left = ParseAnd();
        while (AcceptName("or")) left = new BinaryExpr("or", left, ParseAnd());
        return left;
    }

    private JinjaExpr ParseAnd()
    {
        var left = ParseNot();
        while (AcceptName("and")) left = new BinaryExpr("and", left, ParseNot());
        return left;
    }

    private JinjaExpr ParseNot()
    {
        if (!AcceptName("not")) return ParseCompare();
        Enter();
        var operand = ParseNot();
        _depth--;
        return new UnaryExpr("not", operand);
    }

    private JinjaExpr ParseCompare()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "==" or "!=" or "<" or ">" or "<=" or ">=")
                left = new BinaryExpr(Next().Value, left, ParseAdditive());
            else if (AcceptName("in")) left = new BinaryExpr("in", left, ParseAdditive());
            else if (PeekName("not") && PeekName("in", 1))
            {
                _pos += 2;
                left = new BinaryExpr("not in", left, ParseAdditive());
            }
            else return left;
        }
    }

    private JinjaExpr ParseAdditive()
    {
        var left = ParseConcat();
        while (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "+" or "-") left = new BinaryExpr(Next().Value, left, ParseConcat());
        return left;
    }

    private JinjaExpr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (AcceptOperator("~")) left = new BinaryExpr("~", left, ParseMultiplicative());
        return left;
    }

    private JinjaExpr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "*" or "/" or "//" or "%") left = new BinaryExpr(Next().Value, left, ParseUnary());
        return left;
    }

    private JinjaExpr ParseUnary()
    {
        if (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "-" or "+")
        {
            string op = Next().Value;
            Enter();
            var operand = ParseUnary();
            _depth--;
            return ParseFiltersAndTests(new UnaryExpr(op, operand));
        }
        return ParseFiltersAndTests(ParsePostfix(ParsePrimary()));
    }

    private JinjaExpr ParseFiltersAndTests(JinjaExpr value)
    {
        while (true)
        {
            if (AcceptOperator("|"))
            {
                string name = Expect(JinjaTokenKind.Name, "a filter name").Value;
                var (args, kwargs) = Peek is { Kind: JinjaTokenKind.Operator, Value: "(" } ? ParseArguments() : ([], []);
                value = new FilterExpr(value, name, args, kwargs);
            }
            else if (AcceptName("is"))
            {
                bool negated = AcceptName("not");
                string name = Peek.Kind == JinjaTokenKind.Name ? Next().Value : throw Error("expected a test name after 'is'");
                var args = new List<JinjaExpr>();
                if (Peek is { Kind: JinjaTokenKind.Operator, Value: "(" }) args = ParseArguments().Args;
                value = new TestExpr(value, name, negated, args);
            }
            else return value;
        }
    }

    private JinjaExpr ParsePostfix(JinjaExpr value)
    {
        while (Peek.Kind == JinjaTokenKind.Operator)
        {
            if (AcceptOperator(".")) value = new MemberExpr(value, Expect(JinjaTokenKind.Name, "an attribute name").Value);
            else if (Peek.Value == "(")
            {
                var (args, kwargs) = ParseArguments();
                value = new CallExpr(value, args, kwargs);
            }
            else if (AcceptOperator("["))
            {
                Enter();
                JinjaExpr? start = Peek is { Kind: JinjaTokenKind.Operator, Value: ":" } ? null : ParseExpression();
                if (AcceptOperator(":"))
                {
                    JinjaExpr? stop = Peek is { Kind: JinjaTokenKind.Operator, Value: ":" or "]" } ? null : ParseExpression();
                    JinjaExpr? step = null;
                    if (AcceptOperator(":") && Peek is not { Kind: JinjaTokenKind.Operator, Value: "]" }) step = ParseExpression();
                    value = new SliceExpr(value, start, stop, step);
                }
                else value = new IndexExpr(value, start ?? throw Error("empty subscript"));
                if (!AcceptOperator("]")) throw Error("expected ']'");
                _depth--;
            }
            else break;
        }
        return value;
    }

    private (List<JinjaExpr> Args, List<(string, JinjaExpr)> Kwargs) ParseArguments()
    {
        if (!AcceptOperator("(")) throw Error("expected '('");
        Enter();
        var args = new List<JinjaExpr>();
        var kwargs = new List<(string, JinjaExpr)>();
        while (!AcceptOperator(")"))
        {
            if (args.Count + kwargs.Count > 0 && !AcceptOperator(",")) throw Error("expected ',' or ')' in an argument list");
            if (AcceptOperator(")")) break;
            if (Peek.Kind == JinjaTokenKind.Name && _tokens[_pos + 1] is { Kind: JinjaTokenKind.Operator, Value: "=" })
            {
                string name = Next().Value;
                _pos++;
                kwargs.Add((name, ParseExpression()));
            }
            else if (kwargs.Count > 0) throw Error("a positional argument after a keyword argument");
            else args.Add(ParseExpression());
        }
        _depth--;
        return (args, kwargs);
    }

    private JinjaExpr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case JinjaTokenKind.String:
            {
                // Adjacent string literals concatenate, as in Python.
                string s = t.Value;
                while (Peek.Kind == JinjaTokenKind.String) s += Next().Value;
                return new LiteralExpr(s);
            }
            case JinjaTokenKind.Integer:
                return new LiteralExpr(long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
                    ? n : throw new ChatTemplateException($"chat template syntax error at offset {t.Position}: integer {t.Value} is too large"));
            case JinjaTokenKind.Float:
                return new LiteralExpr(double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new LiteralExpr(true),
                    "false" or "False" => new LiteralExpr(false),
                    "none" or "None" => new LiteralExpr(null),
                    _ => new NameExpr(t.Value),
                };
            case JinjaTokenKind.Operator when t.Value == "(":
            {
                Enter();
                var first = ParseExpression();
                if (AcceptOperator(")"))
                {
                    _depth--;
                    return first;
                }
                // A tuple; chat templates only read tuples, so they are lists here.
                var items = new List<JinjaExpr> { first };
                while (AcceptOperator(","))
                {
                    if (Peek is { Kind: JinjaTokenKind.Operator, Value: ")" }) break;
                    items.Add(ParseExpression());
                }
                if (!AcceptOperator(")")) throw Error("expected ')'");
                _depth--;
                return new ListExpr(items);
            }
            case JinjaTokenKind.Operator when t.Value == "[":
            {
                Enter();
                var items = new List<JinjaExpr>();
                while (!AcceptOperator("]"))
                {
                    if (items.Count > 0 && !AcceptOperator(",")) throw Error("expected ',' or ']' in a list");
                    if (AcceptOperator("]")) break;
                    items.Add(ParseExpression());
                }
                _depth--;
                return new ListExpr(items);
            }
            case JinjaTokenKind.Operator when t.Value == "{":
            {
                Enter();
                var items = new List<(JinjaExpr, JinjaExpr)>();
                while (!AcceptOperator("}"))
                {
                    if (items.Count > 0 && !AcceptOperator(",")) throw Error("expected ',' or '}' in a dict");
                    if (AcceptOperator("}")) break;
                    var key = ParseExpression();
                    if (!AcceptOperator(":")) throw Error("expected ':' in a dict");
                    items.Add((key, ParseExpression()));
                }
                _depth--;
                return new DictExpr(items);
            }
            default:
                _pos--;
                throw Error($"unexpected {Describe(t)}");
        }
    }
}
