using TensorCash.Engine.Model;

namespace TensorCash.RegistryBench;

/// <summary>
/// The constants of the §5 cost formula: cost = 2·matmul + 4·L·q·t̄ + β(dtype)·weightBytes + O_token + O_vocab·V,
/// in FLOP-equivalents per generated token.
/// </summary>
public sealed record CostConstants(double BetaF32, double BetaF16, double BetaBF16, double OToken, double OVocab)
{
    public double Beta(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => BetaF32,
        TensorDType.F16 => BetaF16,
        TensorDType.BF16 => BetaBF16,
        _ => throw new NotSupportedException($"{dtype}"),
    };

    public double Cost(BenchModel m, int salt, int window) =>
        2.0 * m.MatmulParams + m.AttentionFlops(salt, window) + Beta(m.DType) * m.WeightBytes + OToken + OVocab * m.Vocab;

    public CostConstants Rounded() => new(Math.Round(BetaF32), Math.Round(BetaF16), Math.Round(BetaBF16), Math.Round(OToken), Math.Round(OVocab));

    public double[] ToArray() => [BetaF32, BetaF16, BetaBF16, OToken, OVocab];
    public static CostConstants FromArray(double[] a) => new(a[0], a[1], a[2], a[3], a[4]);

    public override string ToString() => $"β(F32) = {BetaF32:0.###}, β(F16) = {BetaF16:0.###}, β(BF16) = {BetaBF16:0.###}, O_token = {OToken:0.#}, O_vocab = {OVocab:0.###}";
}

/// <summary>One measured point: a model at one window size, its median ms/window and tiny's at the same W.</summary>
public sealed record Measured(BenchModel Model, int Window, double Ms, double TinyMs)
{
    public double TimeRatio => Ms / TinyMs;
}

/// <summary>
/// Fits <see cref="CostConstants"/> so that cost(m)/cost(tiny) matches time(m)/time(tiny) at the same W: least squares
/// on ln(cost ratio / time ratio) by Nelder–Mead, then an integer search around the rounded optimum that minimises the
/// largest |error|. Constants are costs, so none may be negative. A constant may be pinned (e.g. a dtype with no measured model keeps its start value).
/// </summary>
public static class CostFit
{
    public static double Error(CostConstants c, Measured p, BenchModel tiny, int salt) =>
        c.Cost(p.Model, salt, p.Window) / c.Cost(tiny, salt, p.Window) / p.TimeRatio - 1;

    public static double MaxError(CostConstants c, IReadOnlyList<Measured> points, BenchModel tiny, int salt) =>
        points.Max(p => Math.Abs(Error(c, p, tiny, salt)));

    private static double Objective(double[] x, IReadOnlyList<Measured> points, BenchModel tiny, int salt)
    {
        if (OutOfBounds(x)) return double.MaxValue; // every constant is a cost (never negative), and bounded
        var c = CostConstants.FromArray(x);
        double sum = 0;
        foreach (var p in points)
        {
            double ct = c.Cost(tiny, salt, p.Window), cm = c.Cost(p.Model, salt, p.Window);
            if (!(ct > 0) || !(cm > 0)) return double.MaxValue;
            double e = Math.Log(cm / ct / p.TimeRatio);
            sum += e * e;
        }
        return sum;
    }

    /// <summary>
    /// Upper bounds: β ≤ 256 FLOP-equivalents per byte, O_token ≤ 10^9, O_vocab ≤ 10^6. Without them the least-squares
    /// optimum drifts to infinity whenever the data prefer bytes and overheads over FLOPs (scaling every constant up
    /// makes the fixed FLOP terms vanish), which says something about the machine but gives no usable constants.
    /// </summary>
    public static readonly double[] Upper = [256, 256, 256, 1e9, 1e6];

    private static bool OutOfBounds(double[] x)
    {
        for (int i = 0; i < x.Length; i++) if (x[i] < 0 || x[i] > Upper[i]) return true;
        return false;
    }

    public static CostConstants Fit(IReadOnlyList<Measured> points, BenchModel tiny, int salt, CostConstants start, bool[] free)
    {
        double[] x0 = start.ToArray();
        int[] idx = Enumerable.Range(0, x0.Length).Where(i => free[i]).ToArray();
        double[] scale = [1, 1, 1, 50_000, 200];
        double F(double[] y)
        {
            var x = (double[])x0.Clone();
            for (int j = 0; j < idx.Length; j++) x[idx[j]] = y[j];
            return Objective(x, points, tiny, salt);
        }
        double[] best = idx.Select(i => x0[i]).ToArray();
        for (int restart = 0; restart < 6; restart++)
            best = NelderMead(F, best, idx.Select(i => scale[i] / (1 + restart)).ToArray(), 2000);
        var result = (double[])x0.Clone();
        for (int j = 0; j < idx.Length; j++) result[idx[j]] = best[j];
        return IntegerSearch(CostConstants.FromArray(result).Rounded(), points, tiny, salt, free);
    }

    /// <summary>Coordinate descent over integers (steps 1, 2, 5, 10, ... on each free constant) on the largest |error|, then the sum of squares.</summary>
    private static CostConstants IntegerSearch(CostConstants c, IReadOnlyList<Measured> points, BenchModel tiny, int salt, bool[] free)
    {
        double Score(double[] x)
        {
            if (OutOfBounds(x)) return double.MaxValue;
            var k = CostConstants.FromArray(x);
            if (points.Any(p => !(k.Cost(p.Model, salt, p.Window) > 0) || !(k.Cost(tiny, salt, p.Window) > 0))) return double.MaxValue;
            return MaxError(k, points, tiny, salt) + 1e-3 * Objective(x, points, tiny, salt);
        }
        var x = c.ToArray();
        double score = Score(x);
        long[] steps = [100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
        bool improved = true;
        for (int pass = 0; improved && pass < 200; pass++)
        {
            improved = false;
            for (int i = 0; i < x.Length; i++)
            {
                if (!free[i]) continue;
                foreach (long step in steps)
                    foreach (int sign in new[] { 1, -1 })
                    {
                        var y = (double[])x.Clone();
                        y[i] += sign * step;
                        double s = Score(y);
                        if (s < score - 1e-12) { x = y; score = s; improved = true; }
                    }
            }
        }
        return CostConstants.FromArray(x);
    }

    private static double[] NelderMead(Func<double[], double> f, double[] start, double[] scale, int iterations)
    {
        int n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])start.Clone();
        for (int i = 0; i < n; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += scale[i];
        }
        for (int i = 0; i <= n; i++) values[i] = f(simplex[i]);
        for (int it = 0; it < iterations; it++)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => values[i]).ToArray();
            simplex = order.Select(i => simplex[i]).ToArray();
            values = order.Select(i => values[i]).ToArray();
            var centroid = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
            double[] Along(double t) => centroid.Select((c, j) => c + t * (simplex[n][j] - c)).ToArray();
            var reflected = Along(-1);
            double fr = f(reflected);
            if (fr < values[0])
            {
                var expanded = Along(-2);
                double fe = f(expanded);
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1])
            {
                (simplex[n], values[n]) = (reflected, fr);
            }
            else
            {
                var contracted = Along(0.5);
                double fc = f(contracted);
                if (fc < values[n]) (simplex[n], values[n]) = (contracted, fc);
                else
                    for (int i = 1; i <= n; i++)
                    {
                        simplex[i] = simplex[i].Select((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j])).ToArray();
                        values[i] = f(simplex[i]);
                    }
            }
        }
        int best = Array.IndexOf(values, values.Min());
        return simplex[best];
    }
}
