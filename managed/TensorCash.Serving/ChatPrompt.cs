using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Serving;

/// <summary>
/// Chat messages to prompt tokens. With the model's chat template: the rendered text, encoded without added
/// special tokens (the template writes BOS and the turn markers itself, as transformers' apply_chat_template).
/// A model without a template (builtin:tiny) gets a documented plain format, one "role: content" line per message
/// and then "assistant: ", encoded with the tokenizer's special tokens (BOS).
/// </summary>
public static class ChatPrompt
{
    public static int[] Encode(ServedModel model, IReadOnlyList<ChatMessage> messages)
    {
        if (model.ChatTemplate is { } template)
        {
            string text;
            try
            {
                text = template.Render(messages, addGenerationPrompt: true);
            }
            catch (ChatTemplateException e)
            {
                throw ApiException.Invalid($"the model's chat template rejected these messages: {e.Message}", "messages");
            }
            return model.Tokenizer.Encode(text, addSpecialTokens: false);
        }
        return model.Tokenizer.Encode(PlainText(messages), addSpecialTokens: true);
    }

    public static string PlainText(IReadOnlyList<ChatMessage> messages) =>
        string.Concat(messages.Select(m => $"{m.Role}: {m.Content}\n")) + "assistant: ";
}
