using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Runtime;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Serving;

/// <summary>
/// The one model a server serves: its public id (what clients put in "model"), the native transformer, the
/// tokenizer, and the chat template when the model has one (null: chat prompts use <see cref="ChatPrompt"/>'s
/// plain fallback). The server owns none of these; whoever opened them disposes them after the server stops.
/// </summary>
public sealed record ServedModel(string Id, Transformer Transformer, ITokenizer Tokenizer, ChatTemplate? ChatTemplate)
{
    public int ContextLength => Transformer.Config.MaxSequenceLength;
}
