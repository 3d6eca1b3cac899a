namespace TensorCash.Engine.ChatTemplates;

/// <summary>
/// A chat template could not be parsed or rendered: a syntax error, an unsupported construct, a hard limit hit, or
/// the template's own raise_exception (<see cref="Raised"/>). The message says which, with the template position for
/// syntax errors.
/// </summary>
public sealed class ChatTemplateException(string message, bool raised = false) : Exception(message)
{
    /// <summary>The template called raise_exception(message): the conversation is one it refuses.</summary>
    public bool Raised { get; } = raised;
}
