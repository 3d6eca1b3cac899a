using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.ChatTemplates;

namespace TensorCash.Tests.ChatTemplates;

/// <summary>
/// Real chat templates (Llama-2, Llama-3, Llama-3.1, Mistral, Qwen2.5, Qwen3; sources in fixtures/chat-templates/README.md)
/// rendered by our interpreter must equal @huggingface/jinja's renders (expected.json, written by
/// bench/chat-templates/make-expected.mjs) character for character, and refuse the same conversations.
/// </summary>
public class ChatTemplateFixtureTests
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "expected.json"))));

    private static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "chat-templates");

    private static IEnumerable<TestCaseData> Cases() => Expected.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c =>
        new TestCaseData(c.GetProperty("template").GetString(), c.GetProperty("conversation").GetString(), c.GetProperty("addGenerationPrompt").GetBoolean())
            .SetArgDisplayNames($"{c.GetProperty("template").GetString()}/{c.GetProperty("conversation").GetString()}/{(c.GetProperty("addGenerationPrompt").GetBoolean() ? "gen" : "nogen")}"));

    [TestCaseSource(nameof(Cases))]
    public void RenderEqualsHuggingFaceJinja(string template, string conversation, bool addGenerationPrompt)
    {
        var root = Expected.Value.RootElement;
        var expected = root.GetProperty("cases").EnumerateArray().Single(c =>
            c.GetProperty("template").GetString() == template && c.GetProperty("conversation").GetString() == conversation
            && c.GetProperty("addGenerationPrompt").GetBoolean() == addGenerationPrompt);
        var specials = root.GetProperty("templates").GetProperty(template);
        var chat = ChatTemplate.Parse(File.ReadAllText(Path.Combine(Directory, template + ".jinja")),
            specials.GetProperty("bos_token").GetString(), specials.GetProperty("eos_token").GetString());
        var messages = root.GetProperty("conversations").GetProperty(conversation);
        JsonElement? tools = conversation == "tool-call" ? root.GetProperty("tools") : null;

        if (expected.TryGetProperty("error", out var error))
        {
            var e = Assert.Throws<ChatTemplateException>(() => chat.Render(messages, addGenerationPrompt, tools))!;
            Assert.Multiple(() =>
            {
                Assert.That(e.Raised, Is.True, "refused through raise_exception");
                Assert.That(e.Message, Is.EqualTo(error.GetString()));
            });
        }
        else Assert.That(chat.Render(messages, addGenerationPrompt, tools), Is.EqualTo(expected.GetProperty("output").GetString()));
    }
}
