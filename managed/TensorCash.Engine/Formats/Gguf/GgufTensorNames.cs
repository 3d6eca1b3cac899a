using System.Text.RegularExpressions;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>llama.cpp's tensor names and their Hugging Face equivalents.</summary>
public static partial class GgufTensorNames
{
    public const string TokenEmbedding = "token_embd.weight";
    public const string OutputNorm = "output_norm.weight";
    public const string Output = "output.weight";
    /// <summary>Per-frequency RoPE divisors llama.cpp's converter stores for llama3 rope scaling.</summary>
    public const string RopeFreqs = "rope_freqs.weight";

    private static readonly Dictionary<string, string> LayerSuffixes = new()
    {
        [HfTensorNames.AttnNorm] = "attn_norm.weight",
        [HfTensorNames.Wq] = "attn_q.weight",
        [HfTensorNames.Wk] = "attn_k.weight",
        [HfTensorNames.Wv] = "attn_v.weight",
        [HfTensorNames.Wo] = "attn_output.weight",
        [HfTensorNames.Bq] = "attn_q.bias",
        [HfTensorNames.Bk] = "attn_k.bias",
        [HfTensorNames.Bv] = "attn_v.bias",
        [HfTensorNames.FfnNorm] = "ffn_norm.weight",
        [HfTensorNames.WGate] = "ffn_gate.weight",
        [HfTensorNames.WUp] = "ffn_up.weight",
        [HfTensorNames.WDown] = "ffn_down.weight",
    };

    [GeneratedRegex(@"^model\.layers\.(\d+)\.(.+)$")]
    private static partial Regex HfLayerName();

    public static string FromHf(string hfName)
    {
        switch (hfName)
        {
            case HfTensorNames.TokenEmbedding: return TokenEmbedding;
            case HfTensorNames.OutputNorm: return OutputNorm;
            case HfTensorNames.Output: return Output;
        }
        var m = HfLayerName().Match(hfName);
        if (m.Success && LayerSuffixes.TryGetValue(m.Groups[2].Value, out var suffix)) return $"blk.{m.Groups[1].Value}.{suffix}";
        throw new ArgumentException($"tensor '{hfName}' has no GGUF equivalent", nameof(hfName));
    }

    /// <summary>Whether llama.cpp's converter permutes this tensor's rows for arch 'llama' (Q and K, weights and biases).</summary>
    public static bool IsQuery(string hfName) => hfName.EndsWith(HfTensorNames.Wq) || hfName.EndsWith(HfTensorNames.Bq);
    public static bool IsKey(string hfName) => hfName.EndsWith(HfTensorNames.Wk) || hfName.EndsWith(HfTensorNames.Bk);
}
