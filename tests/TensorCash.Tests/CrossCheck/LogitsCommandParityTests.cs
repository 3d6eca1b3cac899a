using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Formats;
using TensorCash.Tests.Cli;

namespace TensorCash.Tests.CrossCheck;

/// <summary>`tensorcash logits` prints exactly the floats the engine computes: its JSON parses back to the same bits.</summary>
public class LogitsCommandParityTests
{
    [Test]
    public void LogitsCommandOutputParsesToTheTransformersFloats()
    {
        var fixture = LlamaCppFixtures.All().First(f => f.Spec.Architecture == Engine.Model.ModelArchitecture.Qwen2);
        using var scratch = new ScratchDirectory();
        string gguf = GeneratedModels.Gguf(fixture, scratch);

        var run = CliRun.Of("logits", "--model", gguf, "--tokens", string.Join(',', fixture.Tokens), "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);

        float[][] direct;
        using (var weights = ModelLoader.Load(gguf)) direct = Logits.Native(weights, fixture.Tokens);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("vocab").GetInt32(), Is.EqualTo(fixture.Spec.VocabSize));
        var printed = json.RootElement.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => BitConverter.SingleToInt32Bits(float.Parse(v.GetRawText(), CultureInfo.InvariantCulture))).ToArray())
            .ToArray();
        Assert.That(printed, Has.Length.EqualTo(fixture.Tokens.Length));
        for (int p = 0; p < printed.Length; p++)
            Assert.That(printed[p], Is.EqualTo(direct[p].Select(BitConverter.SingleToInt32Bits).ToArray()), $"position {p}");
    }
}
