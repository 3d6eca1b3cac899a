using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;

namespace TensorCash.Proving.Audit;

/// <summary>
/// One pass over a tensor's rows (each decoded to double once): element statistics, the nonzero pattern the identity
/// check needs, and for a matrix the randomized rank sketch Y = W·Ω with Ω a cols × k matrix of ±1 from a seed. Rows
/// are split between threads, but every per-row quantity is computed in index order and rows are combined in row
/// order, so the result does not depend on the thread count.
/// </summary>
internal sealed class TensorScan
{
    public required long Elements { get; init; }
    public required long NonFinite { get; init; }
    public required long Nonzero { get; init; }
    public required double Mean { get; init; }
    public required double Rms { get; init; }
    public required double Std { get; init; }
    /// <summary>Rows with more than one nonzero (identity check: 0 means at most one nonzero per row).</summary>
    public required long DenseRows { get; init; }
    /// <summary>Every row's single nonzero lies on the diagonal (square matrices).</summary>
    public required bool Diagonal { get; init; }
    /// <summary>Diagonal and every diagonal element exactly 1.</summary>
    public required bool Identity { get; init; }
    /// <summary>The rank sketch's k and how many of its columns were dependent (0 when not sketched).</summary>
    public required int SketchColumns { get; init; }
    public required int DependentColumns { get; init; }

    public bool IsZero => Nonzero == 0 && NonFinite == 0;

    public static TensorScan Run(TensorView view, bool sketch, int sketchColumns, double rankTolerance, ulong seed, int threads)
    {
        int rows = view.Rows, cols = view.Cols;
        int k = sketch ? Math.Min(Math.Min(rows, cols), sketchColumns) : 0;
        double[][] omega = Omega(cols, k, seed);
        var y = k > 0 ? new double[(long)rows * k] : [];
        var rowSum = new double[rows];
        var rowSquares = new double[rows];
        var nonzero = new long[rows];
        var nonFinite = new long[rows];
        var lastNonzero = new int[rows];
        var lastValue = new double[rows];
        int blocks = Math.Max(1, Math.Min(threads * 8, rows));
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block =>
        {
            var row = new double[cols];
            int from = (int)((long)rows * block / blocks), to = (int)((long)rows * (block + 1) / blocks);
            for (int r = from; r < to; r++)
            {
                ReferenceTransformer.DecodeRow(view, r, row);
                double sum = 0;
                long nz = 0, bad = 0;
                int last = -1;
                for (int i = 0; i < cols; i++)
                {
                    double v = row[i];
                    if (!double.IsFinite(v))
                    {
                        bad++;
                        row[i] = 0; // keep the sums finite; the NaN is reported by count
                        continue;
                    }
                    sum += v;
                    if (v != 0)
                    {
                        nz++;
                        last = i;
                    }
                }
                rowSum[r] = sum;
                rowSquares[r] = ReferenceMath.SumOfSquares(row);
                nonzero[r] = nz;
                nonFinite[r] = bad;
                lastNonzero[r] = last;
                lastValue[r] = last >= 0 ? row[last] : 0;
                for (int j = 0; j < k; j++) y[(long)r * k + j] = ReferenceMath.Dot(row, omega[j]);
            }
        });

        long elements = (long)rows * cols;
        double total = 0, squares = 0;
        long nonzeroTotal = 0, nonFiniteTotal = 0, denseRows = 0;
        bool diagonal = rows == cols, identity = rows == cols;
        for (int r = 0; r < rows; r++)
        {
            total += rowSum[r];
            squares += rowSquares[r];
            nonzeroTotal += nonzero[r];
            nonFiniteTotal += nonFinite[r];
            if (nonzero[r] > 1) denseRows++;
            if (nonzero[r] != 1 || lastNonzero[r] != r) diagonal = identity = false;
            else if (lastValue[r] != 1) identity = false;
        }
        double finite = elements - nonFiniteTotal;
        double mean = finite > 0 ? total / finite : 0;
        double meanSquare = finite > 0 ? squares / finite : 0;
        double variance = Math.Max(0, meanSquare - mean * mean);
        int dependent = k > 0 && nonzeroTotal > 0 ? CountDependent(y, rows, k, rankTolerance) : 0;
        return new TensorScan
        {
            Elements = elements,
            NonFinite = nonFiniteTotal,
            Nonzero = nonzeroTotal,
            Mean = mean,
            Rms = Math.Sqrt(meanSquare),
            Std = Math.Sqrt(variance),
            DenseRows = denseRows,
            Diagonal = diagonal,
            Identity = identity,
            SketchColumns = k,
            DependentColumns = dependent,
        };
    }

    /// <summary>k columns of ±1 (as doubles), one SplitMix64 bit per entry.</summary>
    private static double[][] Omega(int cols, int k, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var omega = new double[k][];
        for (int j = 0; j < k; j++)
        {
            omega[j] = new double[cols];
            for (int i = 0; i < cols; i += 64)
            {
                ulong bits = rng.Next();
                for (int b = 0; b < 64 && i + b < cols; b++) omega[j][i + b] = (bits >> b & 1) == 0 ? 1.0 : -1.0;
            }
        }
        return omega;
    }

    /// <summary>
    /// Modified Gram–Schmidt over the k sketch columns (Y is rows × k, row-major): a column whose residual after removing
    /// the earlier independent directions is at most <paramref name="tolerance"/> × its original norm is dependent.
    /// </summary>
    private static int CountDependent(double[] y, int rows, int k, double tolerance)
    {
        var basis = new List<double[]>();
        var v = new double[rows];
        int dependent = 0;
        for (int j = 0; j < k; j++)
        {
            for (int r = 0; r < rows; r++) v[r] = y[(long)r * k + j];
            double original = Math.Sqrt(ReferenceMath.SumOfSquares(v));
            foreach (var q in basis)
            {
                double dot = ReferenceMath.Dot(q, v);
                for (int r = 0; r < rows; r++) v[r] -= dot * q[r];
            }
            double residual = Math.Sqrt(ReferenceMath.SumOfSquares(v));
            if (original == 0 || residual <= tolerance * original)
            {
                dependent++;
                continue;
            }
            var unit = new double[rows];
            for (int r = 0; r < rows; r++) unit[r] = v[r] / residual;
            basis.Add(unit);
        }
        return dependent;
    }
}
