using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorCash.Train;

public sealed record TrainOptions(int Steps, int Batch, int Window, double PeakLr, int WarmupSteps, double WeightDecay,
    ulong Seed, int Threads, int EvalEvery, int EvalWindows);

/// <summary>
/// The training loop: AdamW (betas 0.9/0.95), linear warm-up then cosine decay to 10% of the peak rate, gradient
/// clipping at 1.0, fp32 throughout. Determinism: torch's seed fixes the initial weights, batches come from
/// <see cref="TokenStream.TrainingBatch"/>, and libtorch runs a fixed thread count, so the same command on the same
/// machine gives bitwise the same weights (the SHA-256 printed at the end). A checkpoint (weights + optimizer state)
/// is written every EvalEvery steps; --resume continues from the newest one exactly.
/// </summary>
public sealed class Trainer(SmallLlamaShape shape, TrainOptions o, TokenStream train, TokenStream eval, string outDir)
{
    public string LossLogPath => Path.Combine(outDir, "loss.csv");

    public SmallLlama Run(bool resume)
    {
        torch.set_num_threads(o.Threads);
        torch.manual_seed((long)(o.Seed & 0x7FFF_FFFF_FFFF_FFFF));
        var model = new SmallLlama(shape);
        var optimizer = torch.optim.AdamW(model.parameters(), lr: o.PeakLr, beta1: 0.9, beta2: 0.95, weight_decay: o.WeightDecay);
        Directory.CreateDirectory(outDir);
        int start = 0;
        if (resume && Checkpoints.Newest(outDir) is { } ck)
        {
            model.load(ck.WeightsPath);
            optimizer.load_state_dict(ck.OptimizerPath);
            start = ck.Step;
            Console.WriteLine($"resuming from step {start} ({ck.WeightsPath})");
            // Rows written after the checkpoint belong to the interrupted run; they are recomputed bit for bit.
            var kept = File.ReadAllLines(LossLogPath).Take(1 + start);
            File.WriteAllLines(LossLogPath, kept);
        }
        else File.WriteAllText(LossLogPath, "step,lr,train_loss,eval_loss\n");

        long parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"model: {parameters:N0} parameters; {o.Steps} steps of {o.Batch}x{o.Window} tokens on {o.Threads} threads");
        var clock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        for (int step = start; step < o.Steps; step++)
        {
            double lr = LearningRate(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            double loss;
            using (var scope = NewDisposeScope())
            {
                var batch = tensor(train.TrainingBatch(o.Seed, step, o.Batch, o.Window), [o.Batch, o.Window + 1]);
                var logits = model.forward(batch.narrow(1, 0, o.Window));
                var target = batch.narrow(1, 1, o.Window);
                var l = nn.functional.cross_entropy(logits.reshape(-1, shape.Vocab), target.reshape(-1));
                optimizer.zero_grad();
                l.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.step();
                loss = l.item<float>();
            }
            smoothed = double.IsNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            bool evaluate = (step + 1) % o.EvalEvery == 0 || step + 1 == o.Steps;
            string evalLoss = "";
            if (evaluate)
            {
                evalLoss = Evaluate(model, eval, o.EvalWindows).ToString("F4", CultureInfo.InvariantCulture);
                Checkpoints.Save(outDir, step + 1, model, optimizer);
            }
            File.AppendAllText(LossLogPath, string.Create(CultureInfo.InvariantCulture, $"{step + 1},{lr:G6},{loss:F5},{evalLoss}\n"));
            Progress(step + 1 - start, o.Steps - start, step + 1, smoothed, clock.Elapsed, evalLoss);
        }
        Console.WriteLine();
        Console.WriteLine($"trained in {clock.Elapsed:hh\\:mm\\:ss}");
        return model;
    }

    private double LearningRate(int step)
    {
        if (step < o.WarmupSteps) return o.PeakLr * (step + 1) / o.WarmupSteps;
        double progress = (double)(step - o.WarmupSteps) / Math.Max(1, o.Steps - o.WarmupSteps);
        return o.PeakLr * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    /// <summary>Mean cross-entropy (nats per token) over the first <paramref name="maxWindows"/> evaluation windows (all if 0).</summary>
    public static double Evaluate(SmallLlama model, TokenStream stream, int maxWindows, int window = 256)
    {
        model.eval();
        double sum = 0;
        long count = 0;
        using (no_grad())
        {
            var windows = stream.EvaluationWindows(window);
            if (maxWindows > 0) windows = windows.Take(maxWindows);
            foreach (var chunk in windows.Chunk(16))
            {
                using var scope = NewDisposeScope();
                var ids = tensor(chunk.SelectMany(w => w.Select(t => (long)t)).ToArray(), [chunk.Length, window + 1]);
                var logits = model.forward(ids.narrow(1, 0, window));
                var l = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), ids.narrow(1, 1, window).reshape(-1), reduction: nn.Reduction.Sum);
                sum += l.item<float>();
                count += chunk.Length * (long)window;
            }
        }
        model.train();
        return sum / count;
    }

    private static void Progress(int done, int total, int step, double loss, TimeSpan elapsed, string evalLoss)
    {
        const int width = 30;
        int filled = (int)((long)done * width / Math.Max(1, total));
        var eta = done == 0 ? TimeSpan.Zero : elapsed * ((double)(total - done) / done);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', width - filled)}] step {step} loss {loss:F3} elapsed {elapsed:hh\\:mm\\:ss} eta {eta:hh\\:mm\\:ss}");
        if (evalLoss.Length > 0) line += $" eval {evalLoss}\n";
        Console.Write(line);
    }
}
