using System.Security.Cryptography;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;
using static TorchSharp.torch;

namespace TensorCash.Train;

/// <summary>
/// Writes the trained weights in both forms the engine reads, rounded to BF16 by the engine's own writers: a GGUF with
/// the tokenizer embedded (converted from tokenizer.json by HfToGgufVocabulary, so both forms tokenize alike), and a
/// Hugging Face directory (config.json, model.safetensors, tokenizer.json, tokenizer_config.json).
/// </summary>
public static class Exporter
{
    public static ModelTensors ToModelTensors(SmallLlama model, SmallLlamaShape shape)
    {
        var tensors = new List<NamedTensor>();
        foreach (var (name, p) in model.named_parameters())
        {
            string hf = "model." + name + (p.dim() == 1 ? ".weight" : "");
            float[] values = p.detach().contiguous().data<float>().ToArray();
            tensors.Add(NamedTensor.Of(hf, p.shape.ToArray(), values));
        }
        return new ModelTensors(shape.ToConfig(), tensors);
    }

    /// <summary>SHA-256 over every parameter's fp32 bytes in registration order: the determinism check.</summary>
    public static string WeightsSha256(SmallLlama model)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, p) in model.named_parameters())
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(p.detach().contiguous().data<float>().ToArray().AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static void Write(ModelTensors tensors, string tokenizerDir, string ggufPath, string hfDir)
    {
        string tokenizerJson = Path.Combine(tokenizerDir, "tokenizer.json");
        var vocabulary = HfToGgufVocabulary.Convert(tokenizerJson);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ggufPath))!);
        GgufWriter.Write(tensors, ggufPath, TensorDType.BF16, vocabulary);
        SafetensorsWriter.Write(tensors, hfDir, TensorDType.BF16);
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(tokenizerDir, f), Path.Combine(hfDir, f), overwrite: true);
    }
}
