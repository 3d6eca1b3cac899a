using System.Text;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Builtin;

/// <summary>
/// Deterministic random weights for tests, benchmarks and the builtin model. Each tensor has its own
/// generator seeded from (seed, tensor name), so a tensor's values do not depend on which other tensors
/// exist. Values are uniform with the standard deviation of a sane init, computed with exact IEEE
/// arithmetic only (no transcendental functions), so files are reproducible on every machine:
/// linear weights std 1/sqrt(fan_in), embeddings and LM head std 1/sqrt(d_model), norm weights in
/// [0.8, 1.2], biases std 0.1.
/// </summary>
public static class RandomModelFactory
{
    public static ModelTensors Create(RandomModelSpec spec)
    {
        var config = spec.ToConfig();
        var tensors = ExpectedTensors.For(config)
            .Select(t => new NamedTensor(t.Name, t.Shape, () => Generate(spec.Seed, t.Name, t.Shape)))
            .ToList();
        return new ModelTensors(config, tensors);
    }

    /// <summary>The model as in-memory <see cref="ModelWeights"/>, rounded to <paramref name="dtype"/> exactly as the writers round.</summary>
    public static ModelWeights CreateWeights(RandomModelSpec spec, TensorDType dtype, string source = "random") =>
        InMemoryModel.Build(Create(spec), dtype, source);

    private static float[] Generate(ulong seed, string name, long[] shape)
    {
        var rng = new SplitMix64(SplitMix64.Mix(seed ^ Fnv1a(name)));
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        bool isVector = shape.Length == 1;
        if (isVector && !name.EndsWith(".bias"))
        {
            for (int i = 0; i < values.Length; i++) values[i] = (float)(0.8 + 0.4 * rng.NextDouble());
            return values;
        }
        double std = isVector ? 0.1 : 1.0 / Math.Sqrt(shape[^1]);
        double halfWidth = std * Math.Sqrt(3); // a uniform on [-a, a] has std a/sqrt(3)
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * halfWidth);
        return values;
    }

    private static ulong Fnv1a(string s)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(s)) hash = (hash ^ b) * 0x100000001B3UL;
        return hash;
    }
}
