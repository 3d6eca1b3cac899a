using System.Globalization;
using TensorCash.Engine.Tokenization;
using TensorCash.Train;

// tensorcash-train: builds builtin:small from nothing but a Debian package (see tools/TensorCash.Train/README.md).
//   prepare --data DIR [--vocab 4096]                 corpus extract + BPE tokenizer -> DIR
//   train   --data DIR --run DIR [options] [--resume] train, checkpoint, plot; prints the weights' SHA-256
//   export  --data DIR --run DIR --gguf F --hf DIR    newest checkpoint -> BF16 GGUF + HF directory
//   evaluate --data DIR --model F                     held-out perplexity of an exported file, by our engine
//   plot    --data DIR --run DIR                      redraw loss.png from loss.csv
var options = Options.Parse(args);
try
{
    switch (options.Command)
    {
        case "prepare": Prepare(options); break;
        case "train": Train(options); break;
        case "export": Export(options); break;
        case "evaluate": EvaluateFile(options); break;
        case "plot": Plot(options); break;
        default:
            Console.Error.WriteLine("usage: tensorcash-train prepare|train|export --data DIR [--run DIR] ... (see README.md)");
            return 2;
    }
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static void Prepare(Options o)
{
    string data = o.Required("--data");
    int vocab = o.Int("--vocab", 4096);
    var split = KjvCorpus.Extract();
    Console.WriteLine($"corpus: {KjvCorpus.Package}; {split.Verses} verses, {split.Train.Count} train + {split.Eval.Count} held-out chapters; extract sha256 {split.Sha256OfExtract}");
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var bpe = BpeTrainer.Train(split.Train, vocab - 256 - 2);
    TokenizerFiles.Write(bpe, data);
    Console.WriteLine($"tokenizer: {bpe.Tokens.Length + 2} tokens ({bpe.Merges.Length} merges) in {clock.Elapsed.TotalSeconds:F1} s -> {data}/tokenizer.json");
    var (train, eval) = Streams(data, split);
    Console.WriteLine($"tokens: train {train.Tokens.Length:N0}, held-out {eval.Tokens.Length:N0} ({(double)split.Train.Sum(d => d.Length) / train.Tokens.Length:F2} chars/token)");
}

static (TokenStream Train, TokenStream Eval) Streams(string data, KjvCorpus.Split split)
{
    var tokenizer = TokenizerLoader.Load(Path.Combine(data, "tokenizer.json"));
    int eos = tokenizer.EosTokenId ?? throw new InvalidDataException("the tokenizer has no EOS token");
    return (new TokenStream(split.Train, tokenizer, eos), new TokenStream(split.Eval, tokenizer, eos));
}

static SmallLlamaShape Shape(Options o) => new(
    Vocab: o.Int("--vocab", 4096), Dim: o.Int("--dim", 256), Layers: o.Int("--layers", 6), Heads: o.Int("--heads", 8),
    FeedForward: o.Int("--ffn", 768), MaxPositions: o.Int("--max-positions", 512));

static void Train(Options o)
{
    string data = o.Required("--data"), run = o.Required("--run");
    var split = KjvCorpus.Extract();
    var (train, eval) = Streams(data, split);
    var shape = Shape(o);
    var t = new TrainOptions(
        Steps: o.Int("--steps", 2000), Batch: o.Int("--batch", 16), Window: o.Int("--window", 256),
        PeakLr: o.Double("--lr", 2e-3), WarmupSteps: o.Int("--warmup", 100), WeightDecay: o.Double("--weight-decay", 0.1),
        Seed: (ulong)o.Int("--seed", 18), Threads: o.Int("--threads", 2), EvalEvery: o.Int("--eval-every", 100),
        EvalWindows: o.Int("--eval-windows", 32));
    var model = new Trainer(shape, t, train, eval, run).Run(o.Flag("--resume"));
    Console.WriteLine($"weights sha256 {Exporter.WeightsSha256(model)}");
    double heldOut = Trainer.Evaluate(model, eval, 0, t.Window);
    double unigram = eval.UnigramLoss(train, shape.Vocab, t.Window);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"held-out: {heldOut:F4} nats/token, perplexity {Math.Exp(heldOut):F2}; unigram baseline {unigram:F4}, perplexity {Math.Exp(unigram):F2}"));
    LossPlot.Write(Path.Combine(run, "loss.csv"), Path.Combine(run, "loss.png"), unigram);
}

static void Plot(Options o)
{
    string data = o.Required("--data"), run = o.Required("--run");
    var (train, eval) = Streams(data, KjvCorpus.Extract());
    LossPlot.Write(Path.Combine(run, "loss.csv"), Path.Combine(run, "loss.png"), eval.UnigramLoss(train, o.Int("--vocab", 4096), o.Int("--window", 256)));
}

static void Export(Options o)
{
    string data = o.Required("--data"), run = o.Required("--run");
    var shape = Shape(o);
    var ck = Checkpoints.Newest(run) ?? throw new InvalidOperationException($"no checkpoint in {run}");
    var model = new SmallLlama(shape);
    model.load(ck.WeightsPath);
    Console.WriteLine($"exporting step {ck.Step}, weights sha256 {Exporter.WeightsSha256(model)}");
    Exporter.Write(Exporter.ToModelTensors(model, shape), data, o.Required("--gguf"), o.Required("--hf"));
    Console.WriteLine($"wrote {o.Required("--gguf")} ({new FileInfo(o.Required("--gguf")).Length:N0} bytes) and {o.Required("--hf")}/");
}

static void EvaluateFile(Options o)
{
    string data = o.Required("--data"), model = o.Required("--model");
    var split = KjvCorpus.Extract();
    var (train, eval) = Streams(data, split);
    int window = o.Int("--window", 256), vocab = o.Int("--vocab", 4096);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    double loss = EngineEvaluation.Loss(model, eval, window, o.Int("--eval-windows", 0), o.Int("--threads", 2));
    double unigram = eval.UnigramLoss(train, vocab, window);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{model}: held-out {loss:F4} nats/token, perplexity {Math.Exp(loss):F2} (TensorCash engine, {clock.Elapsed.TotalSeconds:F0} s); unigram baseline perplexity {Math.Exp(unigram):F2}"));
}

sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    public string Command { get; private init; } = "";

    public static Options Parse(string[] args)
    {
        var o = new Options { Command = args.Length > 0 ? args[0] : "" };
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) throw new ArgumentException($"unexpected argument '{args[i]}'");
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--")) o._values[args[i]] = args[++i];
            else o._flags.Add(args[i]);
        }
        return o;
    }

    public string Required(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required");
    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public bool Flag(string name) => _flags.Contains(name);
}
