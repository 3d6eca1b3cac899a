namespace TensorCash.Chain.Script;

/// <summary>The outcome of evaluating scripts: <see cref="ScriptError.OK"/>, or the error and what triggered it.</summary>
public readonly record struct ScriptResult(ScriptError Error, string Detail)
{
    public static readonly ScriptResult Success = new(ScriptError.OK, "");
    public bool IsSuccess => Error == ScriptError.OK;
    public override string ToString() => IsSuccess ? "OK" : $"{Error}: {Error.Describe()} ({Detail})";
}
