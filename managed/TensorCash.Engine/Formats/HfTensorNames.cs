namespace TensorCash.Engine.Formats;

/// <summary>Hugging Face (transformers) parameter names of a Llama-family decoder.</summary>
public static class HfTensorNames
{
    public const string TokenEmbedding = "model.embed_tokens.weight";
    public const string OutputNorm = "model.norm.weight";
    public const string Output = "lm_head.weight";

    public static string Layer(int layer, string suffix) => $"model.layers.{layer}.{suffix}";

    // Per-layer suffixes.
    public const string AttnNorm = "input_layernorm.weight";
    public const string Wq = "self_attn.q_proj.weight";
    public const string Wk = "self_attn.k_proj.weight";
    public const string Wv = "self_attn.v_proj.weight";
    public const string Wo = "self_attn.o_proj.weight";
    public const string Bq = "self_attn.q_proj.bias";
    public const string Bk = "self_attn.k_proj.bias";
    public const string Bv = "self_attn.v_proj.bias";
    public const string FfnNorm = "post_attention_layernorm.weight";
    public const string WGate = "mlp.gate_proj.weight";
    public const string WUp = "mlp.up_proj.weight";
    public const string WDown = "mlp.down_proj.weight";
}
