using System.Globalization;

namespace TensorCash.Train;

/// <summary>Draws loss.csv (train loss per step, smoothed over 25 steps, and held-out loss at each evaluation) with ScottPlot.</summary>
public static class LossPlot
{
    public static void Write(string lossCsv, string pngPath, double unigramLoss)
    {
        var rows = File.ReadAllLines(lossCsv).Skip(1).Select(l => l.Split(',')).ToList();
        double[] steps = rows.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToArray();
        double[] train = rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        double[] smooth = new double[train.Length];
        for (int i = 0; i < train.Length; i++)
        {
            int from = Math.Max(0, i - 24);
            smooth[i] = train[from..(i + 1)].Average();
        }
        var evalRows = rows.Where(r => r[3].Length > 0).ToList();
        double[] evalSteps = evalRows.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToArray();
        double[] evalLoss = evalRows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToArray();

        var plot = new ScottPlot.Plot();
        var t = plot.Add.ScatterLine(steps, smooth);
        t.LegendText = "train (25-step mean)";
        var e = plot.Add.Scatter(evalSteps, evalLoss);
        e.LegendText = "held-out";
        var u = plot.Add.HorizontalLine(unigramLoss);
        u.LegendText = "unigram baseline (held-out)";
        u.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title("builtin:small training loss (nats/token)");
        plot.XLabel("step");
        plot.YLabel("cross-entropy");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(pngPath, 900, 500);
    }
}
