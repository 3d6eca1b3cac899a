using TensorCash.Cli;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;

namespace TensorCash.Tests.Generation;

/// <summary>
/// The builtin test model on the real native runtime, reached through the CLI's ModelResolver seam
/// (the same path `--model builtin:tiny` takes). Tests using it carry the "Runtime" category: they need
/// the native backend and the model loader, and fail until both are in the tree.
/// </summary>
public sealed class BuiltinTiny : IDisposable
{
    public const string Spec = "builtin:tiny";
    public const int Bos = 256, Eos = 257;

    public BuiltinTiny(int threads = 2)
    {
        Weights = ModelResolver.LoadWeights(Spec);
        Transformer = Transformer.Create(Weights, threads);
    }

    public ModelWeights Weights { get; }
    public Transformer Transformer { get; }
    public int Vocab => Transformer.Config.VocabSize;

    public void Dispose()
    {
        Transformer.Dispose();
        Weights.Dispose();
    }
}
