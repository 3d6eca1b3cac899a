using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.Proving.Audit;

/// <summary>
/// Hollow models for the audit tests: a small random Llama (2 layers, d 64, 4 heads of 16, 2 KV heads, d_ff 96,
/// vocabulary 264, untied) with one deliberate defect each, built in memory or written with the format writers.
/// </summary>
public static class HollowModels
{
    public static RandomModelSpec Spec { get; } = new()
    {
        Layers = 2, ModelDim = 64, Heads = 4, KvHeads = 2, FeedForwardDim = 96, VocabSize = 264, Seed = 0xA0D17,
    };

    public static ModelTensors Healthy() => RandomModelFactory.Create(Spec);

    public static string Name(int layer, string suffix) => HfTensorNames.Layer(layer, suffix);

    /// <summary>One tensor replaced by <paramref name="values"/> (same shape).</summary>
    public static ModelTensors Replace(this ModelTensors model, string name, Func<NamedTensor, float[]> values)
    {
        var t = model[name];
        return model.With(name, NamedTensor.Of(name, t.Shape, values(t)));
    }

    public static ModelTensors ZeroedWDown(int layer = 0) =>
        Healthy().Replace(Name(layer, HfTensorNames.WDown), t => new float[t.ElementCount]);

    /// <summary>Layer 1's tensors are copies of layer 0's.</summary>
    public static ModelTensors DuplicatedLayer()
    {
        var model = Healthy();
        foreach (var suffix in new[] { HfTensorNames.AttnNorm, HfTensorNames.Wq, HfTensorNames.Wk, HfTensorNames.Wv, HfTensorNames.Wo,
                     HfTensorNames.FfnNorm, HfTensorNames.WGate, HfTensorNames.WUp, HfTensorNames.WDown })
        {
            var source = model[Name(0, suffix)];
            model = model.Replace(Name(1, suffix), _ => source.Values());
        }
        return model;
    }

    public static ModelTensors IdentityWo(int layer = 0) => Healthy().Replace(Name(layer, HfTensorNames.Wo), t =>
    {
        int n = (int)t.Shape[0];
        var v = new float[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        return v;
    });

    /// <summary>wq = u vᵀ with u, v taken from the healthy tensor's first column and row.</summary>
    public static ModelTensors Rank1Wq(int layer = 0) => Healthy().Replace(Name(layer, HfTensorNames.Wq), t =>
    {
        var w = t.Values();
        int rows = (int)t.Shape[0], cols = (int)t.Shape[1];
        var v = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) v[r * cols + c] = w[r * cols] * w[c] * 4;
        return v;
    });

    /// <summary>Layer <paramref name="layer"/> with zero wo and zero w_down: it adds nothing to the residual stream.</summary>
    public static ModelTensors DeadLayer(int layer = 1) => Healthy()
        .Replace(Name(layer, HfTensorNames.Wo), t => new float[t.ElementCount])
        .Replace(Name(layer, HfTensorNames.WDown), t => new float[t.ElementCount]);

    /// <summary>Every row of the LM head equal: every token gets the same logit.</summary>
    public static ModelTensors ConstantLmHead() => Healthy().Replace(HfTensorNames.Output, t =>
    {
        var w = t.Values();
        int rows = (int)t.Shape[0], cols = (int)t.Shape[1];
        var v = new float[rows * cols];
        for (int r = 0; r < rows; r++) Array.Copy(w, 0, v, r * cols, cols);
        return v;
    });

    public static ModelWeights Build(ModelTensors model, TensorDType dtype = TensorDType.F32) => InMemoryModel.Build(model, dtype, "hollow");
}
