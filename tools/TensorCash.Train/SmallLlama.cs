using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TensorCash.Train;

/// <summary>Shape of the trained model; <see cref="ToConfig"/> is what the engine will read back from the files.</summary>
public sealed record SmallLlamaShape(int Vocab, int Dim, int Layers, int Heads, int FeedForward, int MaxPositions, double RopeTheta = 10000, float Eps = 1e-5f)
{
    public int HeadDim => Dim / Heads;

    public Engine.Model.ModelConfig ToConfig() => new()
    {
        Architecture = Engine.Model.ModelArchitecture.Llama,
        LayerCount = Layers,
        ModelDim = Dim,
        HeadCount = Heads,
        KvHeadCount = Heads,
        HeadDim = HeadDim,
        FeedForwardDim = FeedForward,
        VocabSize = Vocab,
        MaxSequenceLength = MaxPositions,
        RmsNormEps = Eps,
        RopeTheta = RopeTheta,
        TiedEmbeddings = true,
    };
}

/// <summary>
/// A Llama decoder in TorchSharp, written to match Hugging Face's LlamaForCausalLM exactly, because the engine loads
/// the exported weights under HF names and conventions: RMSNorm (x * rsqrt(mean(x^2) + eps) * w), rotary embeddings
/// on the two halves of each head ("rotate_half"), causal attention, SwiGLU MLP (down(silu(gate(x)) * up(x))),
/// no biases, and an output head tied to the token embedding. Parameter names are HF's, so export is a rename-free
/// copy.
/// </summary>
public sealed class SmallLlama : nn.Module<Tensor, Tensor>
{
    private readonly SmallLlamaShape _shape;
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly Parameter norm;
    private readonly Tensor _cos, _sin;

    public SmallLlama(SmallLlamaShape shape) : base("model")
    {
        _shape = shape;
        embed_tokens = nn.Embedding(shape.Vocab, shape.Dim);
        layers = nn.ModuleList(Enumerable.Range(0, shape.Layers).Select(i => new DecoderLayer(shape, i)).ToArray());
        norm = nn.Parameter(ones(shape.Dim));
        RegisterComponents();
        (_cos, _sin) = RopeTables(shape);
        Initialise();
    }

    private void Initialise()
    {
        using var _ = no_grad();
        double std = 0.02, residualStd = 0.02 / Math.Sqrt(2 * _shape.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() == 1) continue; // norm weights stay 1
            bool residualProjection = name.EndsWith("o_proj.weight") || name.EndsWith("down_proj.weight");
            nn.init.normal_(p, 0, residualProjection ? residualStd : std);
        }
    }

    private static (Tensor Cos, Tensor Sin) RopeTables(SmallLlamaShape s)
    {
        int half = s.HeadDim / 2;
        var invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = (float)(1.0 / Math.Pow(s.RopeTheta, 2.0 * i / s.HeadDim));
        var positions = arange(s.MaxPositions, dtype: float32);
        var freqs = outer(positions, tensor(invFreq));
        var emb = cat([freqs, freqs], -1);
        return (emb.cos().DetachFromDisposeScope(), emb.sin().DetachFromDisposeScope());
    }

    /// <summary>Token ids [batch, time] to logits [batch, time, vocab].</summary>
    public override Tensor forward(Tensor ids)
    {
        long t = ids.shape[1];
        var cos = _cos.narrow(0, 0, t);
        var sin = _sin.narrow(0, 0, t);
        var x = embed_tokens.forward(ids);
        foreach (var layer in layers) x = layer.Forward(x, cos, sin);
        x = RmsNorm(x, norm, _shape.Eps);
        return nn.functional.linear(x, embed_tokens.weight!);
    }

    public static Tensor RmsNorm(Tensor x, Tensor weight, float eps) =>
        x * rsqrt(x.pow(2).mean([-1], keepdim: true) + eps) * weight;

    public sealed class DecoderLayer : nn.Module
    {
        private readonly SmallLlamaShape _s;
        private readonly Parameter input_layernorm, post_attention_layernorm;
        private readonly Attention self_attn;
        private readonly Mlp mlp;

        public DecoderLayer(SmallLlamaShape s, int index) : base($"layer{index}")
        {
            _s = s;
            input_layernorm = nn.Parameter(ones(s.Dim));
            post_attention_layernorm = nn.Parameter(ones(s.Dim));
            self_attn = new Attention(s);
            mlp = new Mlp(s);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor cos, Tensor sin)
        {
            x = x + self_attn.Forward(RmsNorm(x, input_layernorm, _s.Eps), cos, sin);
            return x + mlp.Forward(RmsNorm(x, post_attention_layernorm, _s.Eps));
        }
    }

    public sealed class Attention : nn.Module
    {
        private readonly SmallLlamaShape _s;
        private readonly Linear q_proj, k_proj, v_proj, o_proj;

        public Attention(SmallLlamaShape s) : base("self_attn")
        {
            _s = s;
            q_proj = nn.Linear(s.Dim, s.Dim, hasBias: false);
            k_proj = nn.Linear(s.Dim, s.Dim, hasBias: false);
            v_proj = nn.Linear(s.Dim, s.Dim, hasBias: false);
            o_proj = nn.Linear(s.Dim, s.Dim, hasBias: false);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor cos, Tensor sin)
        {
            long b = x.shape[0], t = x.shape[1];
            Tensor Heads(Linear proj) => proj.forward(x).view(b, t, _s.Heads, _s.HeadDim).transpose(1, 2);
            var q = Rotate(Heads(q_proj), cos, sin);
            var k = Rotate(Heads(k_proj), cos, sin);
            var v = Heads(v_proj);
            var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            return o_proj.forward(y.transpose(1, 2).contiguous().view(b, t, _s.Dim));
        }

        private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
        {
            long half = x.shape[^1] / 2;
            var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
            return x * cos + rotated * sin;
        }
    }

    public sealed class Mlp : nn.Module
    {
        private readonly Linear gate_proj, up_proj, down_proj;

        public Mlp(SmallLlamaShape s) : base("mlp")
        {
            gate_proj = nn.Linear(s.Dim, s.FeedForward, hasBias: false);
            up_proj = nn.Linear(s.Dim, s.FeedForward, hasBias: false);
            down_proj = nn.Linear(s.FeedForward, s.Dim, hasBias: false);
            RegisterComponents();
        }

        public Tensor Forward(Tensor x) => down_proj.forward(nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
    }
}
