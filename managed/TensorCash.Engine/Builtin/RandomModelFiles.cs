using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Builtin;

/// <summary>
/// Writes a deterministic random model to disk: the single code path behind `tensorcash model random`
/// and the cross-check tests, so the GGUF files llama.cpp's fixtures were computed from can be rebuilt
/// byte for byte (their sha256 is recorded in each fixture).
/// </summary>
public static class RandomModelFiles
{
    /// <summary>Element types each format can store.</summary>
    public static IReadOnlyList<TensorDType> GgufDTypes { get; } = [TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.Q8_0];
    public static IReadOnlyList<TensorDType> SafetensorsDTypes { get; } = [TensorDType.F32, TensorDType.F16, TensorDType.BF16];

    public static bool IsGgufPath(string path) => path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A GGUF file when <paramref name="path"/> ends in .gguf (with <paramref name="vocabulary"/>, by default the byte-level
    /// vocabulary llama.cpp needs to load it), otherwise a Hugging Face directory (config.json + safetensors, in
    /// <paramref name="shards"/> files).
    /// </summary>
    public static void Write(RandomModelSpec spec, TensorDType dtype, string path, int shards = 1, GgufVocabulary? vocabulary = null)
    {
        var model = RandomModelFactory.Create(spec);
        if (IsGgufPath(path))
        {
            if (shards != 1) throw new ArgumentException("a GGUF model is always one file; shards apply to safetensors only", nameof(shards));
            if (vocabulary is not null && vocabulary.Tokens.Length != spec.VocabSize)
                throw new ArgumentException($"the vocabulary has {vocabulary.Tokens.Length} tokens, the model {spec.VocabSize} rows", nameof(vocabulary));
            GgufWriter.Write(model, path, dtype, vocabulary ?? GgufVocabulary.ByteLevel(spec.VocabSize));
        }
        else
        {
            if (vocabulary is not null) throw new ArgumentException("a vocabulary is embedded in GGUF files only", nameof(vocabulary));
            SafetensorsWriter.Write(model, path, dtype, shards);
        }
    }
}
