namespace TensorCash.Chain.Script;

/// <summary>
/// Thrown inside the interpreter to abandon evaluation at the first failure; <see cref="ScriptInterpreter"/>
/// catches it and returns a <see cref="ScriptResult"/>, so it never escapes to callers.
/// </summary>
internal sealed class ScriptFailure(ScriptError error, string detail) : Exception(detail)
{
    public ScriptError Error { get; } = error;
}
