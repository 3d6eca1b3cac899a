// Registry cost calibration (docs/protocol/registry.md §5): measures the wall time of one proof window (single thread,
// builtin:tiny's pinned profile, 1-token prompt) for builtin:tiny, builtin:nano and random Llama models, then fits the
// integer constants β(dtype), O_token and O_vocab of
//     cost = 2·matmul + 4·L·q·t̄ + β(dtype)·weightBytes + O_token + O_vocab·V
// so that cost(m)/cost(tiny) tracks time(m)/time(tiny). Results: bench/results/registry-cost.md.
//
//   dotnet run -c Release --project bench/TensorCash.RegistryBench -- [--rounds 9] [--warmup 2] [--windows 16,64]
//       [--models builtin:tiny,L4-d256-h8-kv4-ff704,...] [--add SPEC,...] [--fix-beta-f32 N] [--save FILE | --load FILE]
//       [--statistic median|min] [--reference SPEC] [--fit-min-bytes N] [--fit-max-bytes N] [--evaluate b32,b16,bbf16,Otoken,Ovocab]
//   dotnet run -c Release --project bench/TensorCash.RegistryBench -- --find 4,16 --constants bF32,bF16,bBF16,Otoken,Ovocab
//
//   ... -- --fairness --load FILE [--network main|testnet] [--models tiny,4x,16x] [--blocks 2000] [--seed 1]
//   ... -- --race BLOCKS
// --fairness: the block-share simulation of bench/results/registry-fairness.md from saved window times (FairnessReport);
// --race: the real regtest race of builtin:tiny and builtin:nano, one miner each (RegtestRace).
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

if (args.Contains("--race"))
{
    var shares = RegtestRace.Run(int.Parse(Arg("--race")!), Console.Error);
    Console.WriteLine("| model | D_m / N | blocks | share | expected (equal compute) | measured / expected − 1 |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var s in shares)
        Console.WriteLine($"| {s.Model} | {(double)s.Difficulty / TensorCash.Chain.Consensus.ChainParams.Regtest.ModelNormaliser:0.000} | {s.Blocks} | {s.Share:P1} | {1.0 / shares.Count:P1} | {s.Share * shares.Count - 1:+0.0%;-0.0%} |");
    return;
}

if (args.Contains("--fairness"))
{
    var saved = new Dictionary<(string, int), List<double>>();
    foreach (var line in File.ReadAllLines(Arg("--load") ?? throw new ArgumentException("--fairness needs --load FILE (saved by --save)")).Where(l => l.Length > 0 && l[0] != '#'))
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        saved[(parts[0], int.Parse(parts[1]))] = parts.Skip(2).Select(double.Parse).ToList();
    }
    var network = Arg("--network") switch { "testnet" => TensorCash.Chain.Consensus.ChainParams.Testnet, "regtest" => TensorCash.Chain.Consensus.ChainParams.Regtest, _ => TensorCash.Chain.Consensus.ChainParams.Main };
    var names = (Arg("--models") ?? "builtin:tiny,L15-d128-h4-kv2-ff352,L7-d256-h8-kv4-ff704").Split(',');
    FairnessReport.Write(saved, names, network, int.Parse(Arg("--blocks") ?? "2000"), int.Parse(Arg("--seed") ?? "1"), Console.Out);
    return;
}

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

var measured = new Dictionary<(BenchModel, int), List<double>>(); // thread CPU ms per window
var wall = new Dictionary<(BenchModel, int), List<double>>();     // wall ms per window
string loadStart = File.ReadAllText("/proc/loadavg").Trim();
if (Arg("--load") is { } load)
{
    // Refit saved samples: lines "model W ms ms ms ...".
    models.Clear();
    foreach (var line in File.ReadAllLines(load).Where(l => l.Length > 0 && l[0] != '#'))
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var m = BenchModel.Parse(parts[0]);
        if (!models.Contains(m)) models.Add(m);
        measured[(m, int.Parse(parts[1]))] = parts.Skip(2).Select(double.Parse).ToList();
    }
    if (File.Exists(load + ".wall"))
        foreach (var line in File.ReadAllLines(load + ".wall").Where(l => l.Length > 0 && l[0] != '#'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            wall[(BenchModel.Parse(parts[0]), int.Parse(parts[1]))] = parts.Skip(2).Select(double.Parse).ToList();
        }
    windows = measured.Keys.Select(k => k.Item2).Distinct().Order().ToArray();
}
else
{
    using var timer = new WindowTimer(models, Console.Error);
    foreach (int w in windows)
    {
        var (cpu, wallMs) = timer.Measure(w, warmup, rounds, Console.Error);
        foreach (var (m, samples) in cpu) measured[(m, w)] = samples;
        foreach (var (m, samples) in wallMs) wall[(m, w)] = samples;
    }
    if (Arg("--save") is { } save)
    {
        File.WriteAllLines(save, measured.Select(kv => $"{kv.Key.Item1.Name} {kv.Key.Item2} {string.Join(' ', kv.Value.Select(v => v.ToString("0.000")))}"));
        File.WriteAllLines(save + ".wall", wall.Select(kv => $"{kv.Key.Item1.Name} {kv.Key.Item2} {string.Join(' ', kv.Value.Select(v => v.ToString("0.000")))}"));
    }
}
string loadEnd = File.ReadAllText("/proc/loadavg").Trim();

double Median(List<double> v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}
// Ratios are taken against --reference (builtin:tiny by default); --fit-min-bytes / --fit-max-bytes restrict the fitted
// models to one range of weight bytes (e.g. only models whose weights fit in the last-level cache, or only those that do not).
var reference = Arg("--reference") is { } refName ? BenchModel.Parse(refName) : BenchModel.Tiny;
long fitMinBytes = long.Parse(Arg("--fit-min-bytes") ?? "0"), fitMaxBytes = long.Parse(Arg("--fit-max-bytes") ?? long.MaxValue.ToString());
List<Measured> Points(Func<List<double>, double> statistic, IEnumerable<int> ws)
{
    var list = new List<Measured>();
    foreach (int w in ws)
    {
        double tiny = statistic(measured[(reference, w)]);
        foreach (var m in models) list.Add(new Measured(m, w, statistic(measured[(m, w)]), tiny));
    }
    return list;
}
bool InFit(Measured p) => p.Model != reference && p.Model.WeightBytes >= fitMinBytes && p.Model.WeightBytes <= fitMaxBytes;
bool[] free = [true, models.Any(m => m.DType == TensorCash.Engine.Model.TensorDType.F16), models.Any(m => m.DType == TensorCash.Engine.Model.TensorDType.BF16), true, true];
var start = new CostConstants(0, 0, 0, 100_000, 100);
if (Arg("--fix-beta-f32") is { } fixedBeta)
{
    start = start with { BetaF32 = double.Parse(fixedBeta) };
    free[0] = false;
}
string statName = Arg("--statistic") ?? "median";
Func<List<double>, double> stat = statName == "min" ? v => v.Min() : Median;

// Fits on several subsets: both window sizes, each alone; the median and the minimum CPU time.
Console.WriteLine($"command: dotnet run -c Release --project bench/TensorCash.RegistryBench -- {string.Join(' ', args)}");
Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start {loadStart}, at end {loadEnd}; {rounds} rounds after {warmup} warm-up, round-robin over models");
Console.WriteLine();
Console.WriteLine("| fit on | statistic | β(F32) | β(F16) | β(BF16) | O_token | O_vocab | largest abs(cost/time − 1) (fitted points) |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
CostConstants? chosen = null;
foreach (var (label, statistic) in new (string, Func<List<double>, double>)[] { ("median", Median), ("min", v => v.Min()) })
    foreach (var ws in new[] { windows }.Concat(windows.Length > 1 ? windows.Select(w => new[] { w }) : []))
    {
        var pts = Points(statistic, ws).Where(InFit).ToList();
        Console.Error.WriteLine($"fitting {label} W {string.Join(",", ws)}");
        var c = CostFit.Fit(pts, reference, Salt, start, free);
        Console.WriteLine($"| W {string.Join(" + ", ws)} | {label} | {c.BetaF32} | {c.BetaF16} | {c.BetaBF16} | {c.OToken} | {c.OVocab} | {CostFit.MaxError(c, pts, reference, Salt):P1} |");
        if (label == statName && ws.Length == windows.Length) chosen = c;
    }
// --evaluate b32,b16,bbf16,Otoken,Ovocab: print the table for given constants instead of the fit.
var fit = Arg("--evaluate") is { } given ? CostConstants.FromArray(given.Split(',').Select(double.Parse).ToArray()) : chosen!;
string fitLabel = Arg("--evaluate") is null ? $"the {statName} fit on every window size" : "the given constants (--evaluate)";
var points = Points(stat, windows);
var fitPoints = points.Where(InFit).ToList();

Console.WriteLine();
Console.WriteLine($"table below: ratios to {reference.Name}; {fitLabel}" +
    (fitMinBytes > 0 || fitMaxBytes < long.MaxValue ? $" over models of {fitMinBytes:N0}..{(fitMaxBytes == long.MaxValue ? "" : fitMaxBytes.ToString("N0"))} weight bytes" : "") +
    $": {fit}; largest |cost ratio / time ratio − 1| over the fitted models = {CostFit.MaxError(fit, fitPoints, reference, Salt):P1}");
Console.WriteLine();
Console.WriteLine("ms/window: the median thread CPU time of one window (min and max beside it); wall: the median wall time; time ratio from the " + statName + ".");
Console.WriteLine();
Console.WriteLine("| model | dtype | matmul params | FLOPs/token (2·matmul + attention at t̄) | weight bytes | W | ms/window (median CPU) | min | max | wall ms (median) | time ratio | cost ratio | cost/time − 1 |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var p in points.OrderBy(p => p.Window).ThenBy(p => p.TimeRatio))
{
    var m = p.Model;
    var s = measured[(m, p.Window)];
    double costRatio = fit.Cost(m, Salt, p.Window) / fit.Cost(reference, Salt, p.Window);
    long flops = 2 * m.MatmulParams + m.AttentionFlops(Salt, p.Window);
    Console.WriteLine($"| {m.Name} | {m.DType.ToString().ToLowerInvariant()} | {m.MatmulParams:N0} | {flops:N0} | {m.WeightBytes:N0} | {p.Window} | {Median(s):0.00} | {s.Min():0.00} | {s.Max():0.00} | {(wall.TryGetValue((m, p.Window), out var wl) ? Median(wl).ToString("0.00") : "")} | {p.TimeRatio:0.000} | {costRatio:0.000} | {costRatio / p.TimeRatio - 1:+0.0%;-0.0%} |");
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
