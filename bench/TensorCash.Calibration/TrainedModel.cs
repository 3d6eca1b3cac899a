using System.Globalization;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;
using TensorCash.Proof;

namespace TensorCash.Calibration;

/// <summary>
/// A trained model to calibrate on (--trained PATH, a .gguf with its vocabulary embedded or a Hugging Face directory;
/// --tokenizer FILE overrides the tokenizer) with real prompts (--prompts FILE, lines "SET&lt;TAB&gt;TEXT" where the two
/// characters \n stand for a newline; prompts/make-prompts.py writes the KJV set). Each prompt is tokenized once, with
/// the tokenizer's special tokens (BOS in front, as in training).
/// </summary>
public sealed class TrainedModel : IDisposable
{
    public ModelWeights Weights { get; }
    public ITokenizer Tokenizer { get; }
    public string Path { get; }

    /// <summary>Every prompt as (set name, token ids), in file order.</summary>
    public IReadOnlyList<(string Set, int[] Tokens)> Prompts { get; }

    private TrainedModel(string path, ModelWeights weights, ITokenizer tokenizer, IReadOnlyList<(string, int[])> prompts)
    {
        Path = path;
        Weights = weights;
        Tokenizer = tokenizer;
        Prompts = prompts;
    }

    public static TrainedModel Load(CalibrationOptions options)
    {
        string path = options.Trained ?? throw new ArgumentException("--trained PATH is required here");
        string promptFile = options.Prompts ?? throw new ArgumentException("--trained needs --prompts FILE (see prompts/make-prompts.py)");
        var weights = ModelLoader.Load(path);
        try
        {
            ITokenizer tokenizer = options.Tokenizer is { } t ? TokenizerLoader.Load(t)
                : ModelLoader.TokenizerJsonPath(path) is { } json ? TokenizerLoader.Load(json)
                : GgufTokenizer.Load(path);
            var prompts = new List<(string, int[])>();
            int lineNumber = 0;
            foreach (var line in File.ReadLines(promptFile))
            {
                lineNumber++;
                if (line.Length == 0) continue;
                int tab = line.IndexOf('\t');
                if (tab <= 0) throw new FormatException($"{promptFile}:{lineNumber}: expected SET<TAB>TEXT");
                var ids = tokenizer.Encode(line[(tab + 1)..].Replace("\\n", "\n"));
                if (ids.Length == 0 || ids.Any(id => (uint)id >= (uint)weights.Config.VocabSize))
                    throw new FormatException($"{promptFile}:{lineNumber}: the prompt tokenizes to nothing or to ids outside the model's vocabulary");
                prompts.Add((line[..tab], ids));
            }
            if (prompts.Count == 0) throw new FormatException($"{promptFile}: no prompts");
            return new TrainedModel(path, weights, tokenizer, prompts);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>builtin:tiny's pinned decode settings (ChainParams.BuiltinTinyProfile): τ 1, top-k 32, top-p 0.95, no repetition penalty.</summary>
    public static DecodeParameters Decode { get; } = new(1u << 16, 32, 4_080_218_931, 1u << 16, 0);

    /// <summary>builtin:tiny's salt length (ChainParams.BuiltinTinyProfile).</summary>
    public const int SaltTokens = 8;

    /// <summary>The pinned profile at window W and temperature τ (Q16): builtin:tiny's with this model's vocabulary and a 256-token prompt cap (its context is 512).</summary>
    public ProofProfile Profile(int window, uint temperatureQ16 = 1u << 16) =>
        new(new DecodeParameters(temperatureQ16, Decode.TopK, Decode.TopPQ32, Decode.RepetitionPenaltyQ16, Decode.PenaltyLastN), 32, window,
            PrecisionTag.F32, Weights.Config.VocabSize, SaltTokens, 256);

    /// <summary>A prompt drawn uniformly from the file (all sets).</summary>
    public int[] NextPrompt(ulong random) => Prompts[(int)(random % (ulong)Prompts.Count)].Tokens;

    /// <summary>A prompt drawn uniformly from one set (all prompts when the file has none of that set).</summary>
    public int[] NextPrompt(ulong random, string set)
    {
        var inSet = Prompts.Where(p => p.Set == set).ToList();
        return inSet.Count == 0 ? NextPrompt(random) : inSet[(int)(random % (ulong)inSet.Count)].Tokens;
    }

    public string Describe()
    {
        var c = Weights.Config;
        var sets = Prompts.GroupBy(p => p.Set).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Key} {g.Count()} (median {g.Select(p => p.Tokens.Length).Order().ElementAt(g.Count() / 2)} tokens)"));
        return $"trained Llama {System.IO.Path.GetFileName(Path)} ({Path}): {c.LayerCount} layers, d_model {c.ModelDim}, {c.HeadCount}/{c.KvHeadCount} heads, " +
            $"d_ff {c.FeedForwardDim}, vocab {c.VocabSize}, weights {Weights.TokenEmbedding.DType} (F32 compute); prompts (BOS {Tokenizer.BosTokenId} first: {Prompts.All(p => p.Tokens[0] == Tokenizer.BosTokenId)}): {string.Join(", ", sets)}";
    }

    public void Dispose() => Weights.Dispose();
}
