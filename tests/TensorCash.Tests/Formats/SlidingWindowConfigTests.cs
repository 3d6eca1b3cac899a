using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Tests.Native;
using static TensorCash.Tests.Formats.FormatTestSupport;

namespace TensorCash.Tests.Formats;

/// <summary>
/// Mistral's sliding window as the loaders read it: config.json 'sliding_window' (transformers' MistralConfig: a missing
/// key is 4096, null is none), GGUF '{arch}.attention.sliding_window'; every bad value is a ModelFormatException naming
/// the file and the field.
/// </summary>
public class SlidingWindowConfigTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => _dir = NewTempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, HfConfigReader.FileName);
    private string GgufPath => Path.Combine(_dir, "m.gguf");

    private void WriteHf(ModelArchitecture arch, int? window = null, Action<JsonObject>? edit = null)
    {
        SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec(arch) with { SlidingWindow = window }), _dir, TensorDType.F32);
        if (edit is null) return;
        var json = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        edit(json);
        File.WriteAllText(ConfigPath, json.ToJsonString());
    }

    private int? LoadedWindow(string spec)
    {
        using var weights = ModelLoader.Load(spec);
        return weights.Config.SlidingWindow;
    }

    private static void Fails(string spec, string file, params string[] mentions)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(spec).Dispose())!;
        Assert.That(e.Message, Does.Contain(file));
        foreach (string m in mentions) Assert.That(e.Message, Does.Contain(m));
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(4096)]
    [TestCase(int.MaxValue)]
    public void HfMistralWindowRoundTrips(int window)
    {
        WriteHf(ModelArchitecture.Mistral, window);
        Assert.That(JsonNode.Parse(File.ReadAllText(ConfigPath))!["sliding_window"]!.GetValue<int>(), Is.EqualTo(window));
        Assert.That(LoadedWindow(_dir), Is.EqualTo(window));
    }

    [Test]
    public void HfMistralNullIsNoWindowAndAMissingKeyIsTransformersDefault()
    {
        WriteHf(ModelArchitecture.Mistral);
        Assert.That(File.ReadAllText(ConfigPath), Does.Contain("\"sliding_window\": null"));
        Assert.That(LoadedWindow(_dir), Is.Null);

        WriteHf(ModelArchitecture.Mistral, 8, json => json.Remove("sliding_window"));
        Assert.That(LoadedWindow(_dir), Is.EqualTo(HfConfigReader.MistralDefaultSlidingWindow));
        Assert.That(HfConfigReader.MistralDefaultSlidingWindow, Is.EqualTo(4096));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("-4096")]
    [TestCase("4.5")]
    [TestCase("4096.0000001")]
    [TestCase("1e12")]
    [TestCase("2147483648")]
    [TestCase("\"4096\"")]
    [TestCase("true")]
    [TestCase("[4096]")]
    [TestCase("{}")]
    public void HfMistralBadWindowIsRejected(string raw)
    {
        WriteHf(ModelArchitecture.Mistral, 8, json => json["sliding_window"] = JsonNode.Parse(raw));
        Fails(_dir, ConfigPath, "'sliding_window'", "positive integer", raw.Replace("\"", ""));
    }

    [Test]
    public void HfLlamaIgnoresAndQwen2RefusesASlidingWindow()
    {
        // Llama has no sliding window in transformers: a stray key changes nothing.
        WriteHf(ModelArchitecture.Llama, edit: json => json["sliding_window"] = 4);
        Assert.That(LoadedWindow(_dir), Is.Null);

        // Qwen2 ships sliding_window with use_sliding_window false (the window is off); true is a per-layer window.
        WriteHf(ModelArchitecture.Qwen2, edit: json => { json["sliding_window"] = 4096; json["use_sliding_window"] = false; });
        Assert.That(LoadedWindow(_dir), Is.Null);
        WriteHf(ModelArchitecture.Qwen2, edit: json => { json["sliding_window"] = 4096; json["use_sliding_window"] = true; json["max_window_layers"] = 1; });
        Fails(_dir, ConfigPath, "'use_sliding_window'", "unsupported", "max_window_layers");
    }

    [Test]
    public void HfWriterRefusesAWindowOnANonMistralModel() =>
        Assert.That(() => WriteHf(ModelArchitecture.Llama, 8), Throws.ArgumentException.With.Message.Contains("only Mistral"));

    [TestCase(1)]
    [TestCase(6)]
    [TestCase(int.MaxValue)]
    public void GgufWindowRoundTrips(int window)
    {
        GgufWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Mistral) with { SlidingWindow = window }), GgufPath, TensorDType.F32);
        using (var file = GgufFile.Open(GgufPath))
            Assert.That(file.Metadata["llama.attention.sliding_window"].Value, Is.EqualTo((uint)window));
        Assert.That(LoadedWindow(GgufPath), Is.EqualTo(window));
    }

    [Test]
    public void GgufWithoutTheKeyHasNoWindow()
    {
        GgufWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Mistral)), GgufPath, TensorDType.F32);
        using (var file = GgufFile.Open(GgufPath))
            Assert.That(file.Metadata.ContainsKey("llama.attention.sliding_window"), Is.False);
        Assert.That(LoadedWindow(GgufPath), Is.Null);
    }

    // The writer stores (uint)window, so 0 stays 0 and a negative window becomes a value above int.MaxValue.
    [TestCase(0, "UInt32 0")]
    [TestCase(-1, "4294967295")]
    [TestCase(int.MinValue, "2147483648")]
    public void GgufBadWindowIsRejected(int window, string shown)
    {
        GgufWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Mistral) with { SlidingWindow = window }), GgufPath, TensorDType.F32);
        Fails(GgufPath, GgufPath, "'llama.attention.sliding_window'", "positive integer", shown);
    }

    [Test]
    public void GgufQwen2WithAWindowIsRefused()
    {
        GgufWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Qwen2) with { SlidingWindow = 64 }), GgufPath, TensorDType.F32);
        Fails(GgufPath, GgufPath, "'qwen2.attention.sliding_window'", "unsupported");
    }

    /// <summary>The same windowed model from config.json and from GGUF runs bitwise alike, and unlike it without the window.</summary>
    [Test]
    public void LoadedWindowReachesTheEngine()
    {
        var spec = SmallSpec(ModelArchitecture.Mistral) with { SlidingWindow = 3 };
        SafetensorsWriter.Write(RandomModelFactory.Create(spec), _dir, TensorDType.F32);
        GgufWriter.Write(RandomModelFactory.Create(spec), GgufPath, TensorDType.F32);
        string plain = Path.Combine(_dir, "plain.gguf");
        GgufWriter.Write(RandomModelFactory.Create(spec with { SlidingWindow = null }), plain, TensorDType.F32);
        int[] tokens = Enumerable.Range(0, 12).Select(i => (i * 37 + 5) % spec.VocabSize).ToArray();

        float[] Logits(string path)
        {
            using var weights = ModelLoader.Load(path);
            using var model = Transformer.Create(weights, 1);
            return Runtime.ForwardRunner.Prefill(model, tokens);
        }
        float[] hf = Logits(_dir), gguf = Logits(GgufPath), none = Logits(plain);
        BitAssert.Equal(hf, gguf, "config.json vs GGUF, window 3");
        int vocab = spec.VocabSize;
        BitAssert.Equal(none.AsSpan(0, 3 * vocab), hf.AsSpan(0, 3 * vocab), "positions inside the window");
        Assert.That(BitAssert.Same(none.AsSpan(3 * vocab), hf.AsSpan(3 * vocab)), Is.False, "positions beyond the window must differ");
    }

    [Test]
    public void InspectorCountsAttentionOverTheWindowOnly()
    {
        SafetensorsWriter.Write(RandomModelFactory.Create(SmallSpec(ModelArchitecture.Mistral) with { SlidingWindow = 8 }), _dir, TensorDType.F32);
        using var weights = ModelLoader.Load(_dir);
        var s = ModelInspector.Inspect(weights);
        Assert.That(s.Config.SlidingWindow, Is.EqualTo(8));
        Assert.That(s.FlopsPerToken(3), Is.EqualTo(s.MatmulFlopsPerToken + 4 * s.AttentionFlopsPerPosition));
        Assert.That(s.FlopsPerToken(7), Is.EqualTo(s.MatmulFlopsPerToken + 8 * s.AttentionFlopsPerPosition));
        Assert.That(s.FlopsPerToken(1000), Is.EqualTo(s.MatmulFlopsPerToken + 8 * s.AttentionFlopsPerPosition));
    }
}
