using TorchSharp;

namespace TensorCash.Train;

/// <summary>Checkpoint files in the run directory: step-NNNNNN.weights (model) and step-NNNNNN.optimizer (AdamW state).</summary>
public static class Checkpoints
{
    public sealed record Checkpoint(int Step, string WeightsPath, string OptimizerPath);

    public static void Save(string dir, int step, SmallLlama model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string stem = Path.Combine(dir, $"step-{step:D6}");
        model.save(stem + ".weights");
        optimizer.save_state_dict(stem + ".optimizer");
    }

    public static Checkpoint? Newest(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetFiles(dir, "step-*.weights").Order(StringComparer.Ordinal)
                .Select(p => new Checkpoint(int.Parse(Path.GetFileNameWithoutExtension(p)[5..]), p, Path.ChangeExtension(p, ".optimizer")))
                .LastOrDefault(c => File.Exists(c.OptimizerPath))
            : null;
}
