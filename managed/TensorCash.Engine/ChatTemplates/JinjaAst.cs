namespace TensorCash.Engine.ChatTemplates;

// The syntax tree of the Jinja subset JinjaParser accepts.

internal abstract record JinjaNode;

internal sealed record TextNode(string Text) : JinjaNode;
internal sealed record EmitNode(JinjaExpr Value) : JinjaNode;
internal sealed record IfNode(List<(JinjaExpr Condition, List<JinjaNode> Body)> Branches, List<JinjaNode>? Else) : JinjaNode;
internal sealed record ForNode(string[] Targets, JinjaExpr Iterable, JinjaExpr? Filter, List<JinjaNode> Body, List<JinjaNode>? Else) : JinjaNode;
/// <summary>{% set name = value %} or {% set ns.attribute = value %} (Target is a NameExpr or MemberExpr).</summary>
internal sealed record SetNode(JinjaExpr Target, JinjaExpr Value) : JinjaNode;
internal sealed record BreakNode : JinjaNode;
internal sealed record ContinueNode : JinjaNode;

internal abstract record JinjaExpr;

internal sealed record LiteralExpr(object? Value) : JinjaExpr;
internal sealed record NameExpr(string Name) : JinjaExpr;
internal sealed record MemberExpr(JinjaExpr Target, string Name) : JinjaExpr;
internal sealed record IndexExpr(JinjaExpr Target, JinjaExpr Index) : JinjaExpr;
internal sealed record SliceExpr(JinjaExpr Target, JinjaExpr? Start, JinjaExpr? Stop, JinjaExpr? Step) : JinjaExpr;
internal sealed record CallExpr(JinjaExpr Callee, List<JinjaExpr> Args, List<(string Name, JinjaExpr Value)> Kwargs) : JinjaExpr;
internal sealed record FilterExpr(JinjaExpr Value, string Name, List<JinjaExpr> Args, List<(string Name, JinjaExpr Value)> Kwargs) : JinjaExpr;
internal sealed record TestExpr(JinjaExpr Value, string Name, bool Negated, List<JinjaExpr> Args) : JinjaExpr;
internal sealed record UnaryExpr(string Operator, JinjaExpr Operand) : JinjaExpr;
internal sealed record BinaryExpr(string Operator, JinjaExpr Left, JinjaExpr Right) : JinjaExpr;
internal sealed record ConditionalExpr(JinjaExpr Condition, JinjaExpr Then, JinjaExpr? Else) : JinjaExpr;
internal sealed record ListExpr(List<JinjaExpr> Items) : JinjaExpr;
internal sealed record DictExpr(List<(JinjaExpr Key, JinjaExpr Value)> Items) : JinjaExpr;
