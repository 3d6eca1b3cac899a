using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Tokenization;
using TensorCash.Engine.Model;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash model random`: writes a deterministic random model (GGUF or a Hugging Face safetensors
/// directory) from shape flags. Its flags are the generator contract of bench/llamacpp/make-fixtures.sh,
/// which builds the llama.cpp fixtures' models with it; the same flags always give the same bytes.
/// </summary>
public static class RandomModelCommand
{
    private static readonly Dictionary<string, ModelArchitecture> Architectures = new()
    {
        ["llama"] = ModelArchitecture.Llama, ["mistral"] = ModelArchitecture.Mistral, ["qwen2"] = ModelArchitecture.Qwen2,
    };

    private static readonly Dictionary<string, TensorDType> DTypes = new()
    {
        ["f32"] = TensorDType.F32, ["f16"] = TensorDType.F16, ["bf16"] = TensorDType.BF16, ["q8_0"] = TensorDType.Q8_0,
    };

    public static Command Create(CliConsole console)
    {
        var defaults = new RandomModelSpec();
        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write: a file ending in .gguf, otherwise a Hugging Face directory (config.json + model.safetensors), created if missing and refused if not empty.",
            Required = true,
            HelpName = "PATH",
        };
        var arch = new Option<string>("--arch")
        {
            Description = "Architecture (qwen2 adds q/k/v biases).", DefaultValueFactory = _ => "llama",
        }.AcceptOnlyFromAmong([.. Architectures.Keys]);
        var layers = Int("--layers", "Transformer blocks.", defaults.Layers);
        var modelDim = Int("--d-model", "Hidden size.", defaults.ModelDim);
        var heads = Int("--heads", "Query heads.", defaults.Heads);
        var kvHeads = Int("--kv-heads", "Key/value heads (GQA); must divide --heads.", defaults.KvHeads);
        var headDim = new Option<int>("--head-dim") { Description = "Size of one head (even). Default: --d-model / --heads.", HelpName = "N" };
        var ff = Int("--ff", "Feed-forward (SwiGLU) width.", defaults.FeedForwardDim);
        var vocab = Int("--vocab", "Vocabulary size. The GGUF vocabulary is byte-level: bytes, then BOS and EOS, then unused padding.", defaults.VocabSize);
        var context = Int("--context", "Maximum sequence length.", defaults.MaxSequenceLength);
        var ropeTheta = new Option<double>("--rope-theta")
        {
            Description = "RoPE base frequency.", HelpName = "X", DefaultValueFactory = _ => defaults.RopeTheta, CustomParser = r => PositiveNumber<double>(r),
        };
        var rmsEps = new Option<float>("--rms-eps")
        {
            Description = "RMSNorm epsilon.", HelpName = "X", DefaultValueFactory = _ => defaults.RmsNormEps, CustomParser = r => PositiveNumber<float>(r),
        };
        var dtype = new Option<string>("--dtype")
        {
            Description = "Weight element type (q8_0 only for .gguf). 1-D tensors stay f32 in GGUF, as llama.cpp's converter does.",
            DefaultValueFactory = _ => "f32",
        }.AcceptOnlyFromAmong([.. DTypes.Keys]);
        var seed = new Option<ulong>("--seed") { Description = "Random seed; each tensor's values depend only on the seed and its name.", HelpName = "N", DefaultValueFactory = _ => defaults.Seed };
        var ropeScaling = new Option<Llama3RopeScaling?>("--rope-scaling-llama3")
        {
            Description = "Llama 3 RoPE scaling: factor, low_freq_factor, high_freq_factor, original_max_position_embeddings.",
            HelpName = "F,LOW,HIGH,ORIG",
            CustomParser = ParseRopeScaling,
        };
        var tied = new Option<bool>("--tied") { Description = "Tie the output head to the token embedding (no separate lm_head tensor)." };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "Embed this Hugging Face tokenizer (tokenizer.json[.gz] or its directory) as the GGUF vocabulary, converted as llama.cpp's converter lays it out; --vocab defaults to its size. GGUF only.",
            HelpName = "PATH",
        };

        var command = new Command("random",
            "Write a deterministic random model (for tests, benchmarks and the llama.cpp fixtures): GGUF if --out ends in .gguf, else a Hugging Face safetensors directory.")
        {
            output, arch, layers, modelDim, heads, kvHeads, headDim, ff, vocab, context, ropeTheta, rmsEps, dtype, seed, ropeScaling, tied, tokenizer,
        };
        command.SetAction(console.Guard((parsed, _) =>
        {
            string path = parsed.GetRequiredValue(output);
            GgufVocabulary? vocabulary = null;
            if (parsed.GetValue(tokenizer) is { } tokenizerPath)
            {
                if (!RandomModelFiles.IsGgufPath(path)) throw new UsageException("--tokenizer applies to GGUF output only (--out must end in .gguf)");
                try
                {
                    vocabulary = HfToGgufVocabulary.Convert(tokenizerPath);
                }
                catch (TokenizerFormatException e)
                {
                    throw new UsageException($"--tokenizer: {e.Message}");
                }
                if (parsed.GetResult(vocab) is { Implicit: false } && parsed.GetValue(vocab) != vocabulary.Tokens.Length)
                    throw new UsageException($"--vocab {parsed.GetValue(vocab)} differs from the {vocabulary.Tokens.Length} tokens of --tokenizer {tokenizerPath}");
            }
            var spec = new RandomModelSpec
            {
                Architecture = Architectures[parsed.GetRequiredValue(arch)],
                Layers = parsed.GetValue(layers),
                ModelDim = parsed.GetValue(modelDim),
                Heads = parsed.GetValue(heads),
                KvHeads = parsed.GetValue(kvHeads),
                HeadDim = parsed.GetResult(headDim) is null ? 0 : parsed.GetValue(headDim),
                FeedForwardDim = parsed.GetValue(ff),
                VocabSize = vocabulary?.Tokens.Length ?? parsed.GetValue(vocab),
                MaxSequenceLength = parsed.GetValue(context),
                RopeTheta = parsed.GetValue(ropeTheta),
                RopeScaling = parsed.GetValue(ropeScaling),
                RmsNormEps = parsed.GetValue(rmsEps),
                TiedEmbeddings = parsed.GetValue(tied),
                Seed = parsed.GetValue(seed),
            };
            var type = DTypes[parsed.GetRequiredValue(dtype)];
            Validate(spec, type, path, parsed.GetResult(headDim) is not null);
            if (!RandomModelFiles.IsGgufPath(path)) EnsureEmptyDirectory(path);
            else if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent && !Directory.Exists(parent))
                throw new UsageException($"--out {path}: directory '{parent}' does not exist");

            RandomModelFiles.Write(spec, type, path, vocabulary: vocabulary);
            var config = spec.ToConfig();
            console.Out.WriteLine($"wrote {path}: {config.Architecture.ToString().ToLowerInvariant()} {parsed.GetRequiredValue(dtype)}, " +
                                  $"{config.LayerCount} layers, d_model {config.ModelDim}, heads {config.HeadCount}/{config.KvHeadCount}x{config.HeadDim}, " +
                                  $"ff {config.FeedForwardDim}, vocab {config.VocabSize}, seed {spec.Seed}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<int> Int(string name, string description, int defaultValue) =>
        CommonOptions.AtLeast(new Option<int>(name) { Description = description, HelpName = "N", DefaultValueFactory = _ => defaultValue }, 1);

    /// <summary>Checks between flags, which single-option validators cannot see.</summary>
    private static void Validate(RandomModelSpec spec, TensorDType dtype, string path, bool headDimGiven)
    {
        if (spec.Heads % spec.KvHeads != 0)
            throw new UsageException($"--heads {spec.Heads} must be a multiple of --kv-heads {spec.KvHeads}");
        if (headDimGiven && spec.HeadDim < 2)
            throw new UsageException($"--head-dim must be >= 2 (got {spec.HeadDim})");
        if (!headDimGiven && spec.ModelDim % spec.Heads != 0)
            throw new UsageException($"--d-model {spec.ModelDim} is not a multiple of --heads {spec.Heads}; give --head-dim");
        int headSize = spec.ToConfig().HeadDim;
        if (headSize % 2 != 0) // RoPE rotates pairs of dimensions
            throw new UsageException($"head size {headSize} must be even (RoPE rotates pairs)");
        if (spec.VocabSize < 2)
            throw new UsageException($"--vocab must be >= 2 so BOS and EOS fit (got {spec.VocabSize})");
        bool gguf = RandomModelFiles.IsGgufPath(path);
        var allowed = gguf ? RandomModelFiles.GgufDTypes : RandomModelFiles.SafetensorsDTypes;
        if (!allowed.Contains(dtype))
            throw new UsageException($"--dtype {dtype.ToString().ToLowerInvariant()} cannot be stored as safetensors (use f32, f16 or bf16, or an --out ending in .gguf)");
    }

    private static void EnsureEmptyDirectory(string path)
    {
        if (File.Exists(path))
            throw new UsageException($"--out {path} is an existing file; give a .gguf path or a new directory for safetensors");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new UsageException($"--out {path} is a directory that is not empty; give a new or empty directory");
    }

    private static T PositiveNumber<T>(ArgumentResult result) where T : IFloatingPoint<T>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out T? value) && T.IsFinite(value) && value > T.Zero) return value;
        result.AddError($"--{OptionName(result)} must be a positive number (got '{text}')");
        return T.One;
    }

    private static Llama3RopeScaling? ParseRopeScaling(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        const string expected = "expected FACTOR,LOW,HIGH,ORIGINAL_CONTEXT such as 8,1,4,8192 with LOW < HIGH";
        if (items.Length != 4
            || !double.TryParse(items[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double factor)
            || !double.TryParse(items[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            || !double.TryParse(items[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double high)
            || !int.TryParse(items[3], NumberStyles.None, CultureInfo.InvariantCulture, out int original)
            || !(factor > 0 && low > 0 && high > low && original > 0 && double.IsFinite(factor) && double.IsFinite(high)))
        {
            result.AddError($"--rope-scaling-llama3 '{text}': {expected}");
            return null;
        }
        return new Llama3RopeScaling(factor, low, high, original);
    }

    private static string OptionName(ArgumentResult result) =>
        (result.Parent as OptionResult)?.Option.Name.TrimStart('-') ?? "value";
}
