using System.Diagnostics;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Cli;

/// <summary>A model opened for a command: weights, its tokenizer when the command needs one, and the native transformer.</summary>
public sealed class ModelSession : IDisposable
{
    private ModelSession(ModelWeights weights, ITokenizer? tokenizer, Transformer transformer)
    {
        Weights = weights;
        Tokenizer = tokenizer;
        Transformer = transformer;
    }

    public ModelWeights Weights { get; }
    public ITokenizer? Tokenizer { get; }
    public Transformer Transformer { get; }
    public ModelConfig Config => Weights.Config;

    public static ModelSession Open(string spec, int threads, bool withTokenizer, CliConsole console) =>
        Open(spec, threads, withTokenizer ? TokenizerUse.Required : TokenizerUse.None, console);

    /// <summary>Opens the model; the tokenizer is loaded as <paramref name="tokenizerUse"/> says (Optional: null when the model has none).</summary>
    public static ModelSession Open(string spec, int threads, TokenizerUse tokenizerUse, CliConsole console)
    {
        ModelResolver.EnsureExists(spec);
        long start = Stopwatch.GetTimestamp();
        var weights = ModelResolver.LoadWeights(spec);
        try
        {
            var tokenizer = tokenizerUse switch
            {
                TokenizerUse.Required => ModelResolver.LoadTokenizer(spec, weights.Config.VocabSize),
                TokenizerUse.Optional => ModelResolver.TryLoadTokenizer(spec, weights.Config.VocabSize),
                _ => null,
            };
            var transformer = Transformer.Create(weights, threads);
            var c = weights.Config;
            console.Progress($"loaded {weights.Source}: {c.Architecture}, {c.LayerCount} layers, d_model {c.ModelDim}, vocab {c.VocabSize}, " +
                             $"{threads} threads, {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s");
            return new ModelSession(weights, tokenizer, transformer);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Usage error unless every id is in the vocabulary and the sequence fits the context.</summary>
    public void CheckTokens(ReadOnlySpan<int> ids, int extraPositions = 0)
    {
        if (ids.IsEmpty) throw new UsageException("the input has no tokens (an empty prompt with a tokenizer that adds no BOS?)");
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)Config.VocabSize)
                throw new UsageException($"token id {ids[i]} (position {i}) is outside the model's vocabulary [0, {Config.VocabSize})");
        if ((long)ids.Length + extraPositions > Config.MaxSequenceLength)
            throw new UsageException($"{ids.Length} tokens{(extraPositions > 0 ? $" + {extraPositions} to generate" : "")} exceed the model's context of {Config.MaxSequenceLength} tokens");
    }

    public void Dispose()
    {
        Transformer.Dispose();
        Weights.Dispose();
    }
}

/// <summary>Whether a command needs the model's tokenizer.</summary>
public enum TokenizerUse
{
    None,
    /// <summary>Loaded when the model has one (e.g. generate --tokens prints text if it can, ids otherwise).</summary>
    Optional,
    Required,
}
