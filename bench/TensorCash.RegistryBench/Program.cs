// Registry cost calibration (docs/protocol/registry.md §5): measures the wall time of one proof window (single thread,
// builtin:tiny's pinned profile, 1-token prompt) for builtin:tiny, builtin:nano and random Llama models, then fits the
// integer constants β(dtype), O_token and O_vocab of
//     cost = 2·matmul + 4·L·q·t̄ + β(dtype)·weightBytes + O_token + O_vocab·V
// so that cost(m)/cost(tiny) tracks time(m)/time(tiny). Results: bench/results/registry-cost.md.
//
//   dotnet run -c Release --project bench/TensorCash.RegistryBench -- [--rounds 9] [--warmup 2] [--windows 16,64]
//       [--models builtin:tiny,L4-d256-h8-kv4-ff704,...] [--add SPEC,...] [--fix-beta-f32 N]
//   dotnet run -c Release --project bench/TensorCash.RegistryBench -- --find 4,16 --constants bF32,bF16,bBF16,Otoken,Ovocab
//
// Models are named by shape: L<layers>-d<dim>-h<heads>-kv<kvHeads>-ff<ffn>[-v<vocab>][-f16|-bf16] (F32, vocabulary 264 by
// default, untied, seed from the shape). The report (markdown) goes to stdout, progress to stderr.
using System.Globalization;
using TensorCash.RegistryBench;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int rounds = int.Parse(Arg("--rounds") ?? "9");
int warmup = int.Parse(Arg("--warmup") ?? "2");
int[] windows = (Arg("--windows") ?? "16,64").Split(',').Select(int.Parse).ToArray();
const int Salt = 8; // builtin:tiny's S

if (Arg("--find") is { } find)
{
    var c = CostConstants.FromArray((Arg("--constants") ?? throw new ArgumentException("--find needs --constants")).Split(',').Select(double.Parse).ToArray());
    foreach (double target in find.Split(',').Select(double.Parse))
        foreach (int w in windows)
        {
            Console.WriteLine($"## target {target}x at W {w} ({c})");
            var candidates = new List<(BenchModel M, double Ratio)>();
            for (int layers = 2; layers <= 24; layers++)
                for (int dim = 64; dim <= 768; dim += 32)
                    for (int ff = 2 * dim; ff <= 4 * dim; ff += 16)
                    {
                        var m = BenchModel.Random(layers, dim, ff);
                        candidates.Add((m, c.Cost(m, Salt, w) / c.Cost(BenchModel.Tiny, Salt, w)));
                    }
            foreach (var (m, ratio) in candidates.OrderBy(x => Math.Abs(x.Ratio / target - 1) + Math.Abs(x.M.Spec.FeedForwardDim / (2.75 * x.M.ModelDim) - 1) * 0.01).Take(12))
                Console.WriteLine($"  {m.Name,-28} predicted {ratio:0.000}x");
        }
    return;
}

var models = Arg("--models") is { } list ? list.Split(',').Select(BenchModel.Parse).ToList() : DefaultModels();
if (Arg("--add") is { } add) models.AddRange(add.Split(',').Select(BenchModel.Parse));
if (!models.Contains(BenchModel.Tiny)) models.Insert(0, BenchModel.Tiny);

var measured = new Dictionary<(BenchModel, int), List<double>>();
string loadStart = File.ReadAllText("/proc/loadavg").Trim();
using (var timer = new WindowTimer(models, Console.Error))
    foreach (int w in windows)
        foreach (var (m, samples) in timer.Measure(w, warmup, rounds, Console.Error))
            measured[(m, w)] = samples;
string loadEnd = File.ReadAllText("/proc/loadavg").Trim();

double Median(List<double> v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}
var points = new List<Measured>();
foreach (int w in windows)
{
    double tiny = Median(measured[(BenchModel.Tiny, w)]);
    foreach (var m in models) points.Add(new Measured(m, w, Median(measured[(m, w)]), tiny));
}
var fitPoints = points.Where(p => p.Model != BenchModel.Tiny).ToList();
bool[] free = [true, models.Any(m => m.DType == TensorCash.Engine.Model.TensorDType.F16), models.Any(m => m.DType == TensorCash.Engine.Model.TensorDType.BF16), true, true];
var start = new CostConstants(0, 0, 0, 100_000, 100);
if (Arg("--fix-beta-f32") is { } fixedBeta)
{
    start = start with { BetaF32 = double.Parse(fixedBeta) };
    free[0] = false;
}
var fit = CostFit.Fit(fitPoints, BenchModel.Tiny, Salt, start, free);

Console.WriteLine($"command: dotnet run -c Release --project bench/TensorCash.RegistryBench -- {string.Join(' ', args)}");
Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start {loadStart}, at end {loadEnd}; {rounds} rounds after {warmup} warm-up, round-robin over models");
Console.WriteLine();
Console.WriteLine($"fitted (integers): {fit}; largest |cost ratio / time ratio − 1| = {CostFit.MaxError(fit, fitPoints, BenchModel.Tiny, Salt):P1}");
Console.WriteLine();
Console.WriteLine("| model | dtype | matmul params | FLOPs/token (2·matmul + attention at t̄) | weight bytes | W | ms/window (median) | min | max | time ratio | cost ratio | cost/time − 1 |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var p in points.OrderBy(p => p.Window).ThenBy(p => p.TimeRatio))
{
    var m = p.Model;
    var s = measured[(m, p.Window)];
    double costRatio = fit.Cost(m, Salt, p.Window) / fit.Cost(BenchModel.Tiny, Salt, p.Window);
    long flops = 2 * m.MatmulParams + m.AttentionFlops(Salt, p.Window);
    Console.WriteLine($"| {m.Name} | {m.DType.ToString().ToLowerInvariant()} | {m.MatmulParams:N0} | {flops:N0} | {m.WeightBytes:N0} | {p.Window} | {p.Ms:0.00} | {s.Min():0.00} | {s.Max():0.00} | {p.TimeRatio:0.000} | {costRatio:0.000} | {costRatio / p.TimeRatio - 1:+0.0%;-0.0%} |");
}

static List<BenchModel> DefaultModels() =>
[
    BenchModel.Tiny,
    BenchModel.Nano,
    BenchModel.Random(2, 128, 352),
    BenchModel.Random(8, 128, 352),
    BenchModel.Random(16, 128, 352),
    BenchModel.Random(4, 192, 528),
    BenchModel.Random(4, 256, 704),
    BenchModel.Random(8, 256, 704),
    BenchModel.Random(16, 256, 704),
    BenchModel.Random(6, 320, 880),
    BenchModel.Random(8, 384, 1056),
    BenchModel.Random(2, 512, 1408),
    BenchModel.Random(8, 512, 1408),
    BenchModel.Random(16, 512, 1408),
    BenchModel.Random(8, 256, 704, dtype: TensorCash.Engine.Model.TensorDType.F16),
    BenchModel.Random(8, 256, 704, dtype: TensorCash.Engine.Model.TensorDType.BF16),
    BenchModel.Random(4, 128, 352, vocab: 2048),
    BenchModel.Random(4, 128, 352, vocab: 8192),
    BenchModel.Random(4, 128, 352, vocab: 32000),
];
