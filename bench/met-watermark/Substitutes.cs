using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

/// <summary>
/// The declared model (builtin:tiny, F32) and the substitutes a provider might serve instead, built in memory:
/// the same weights rounded to BF16 / F16 / Q8_0, another seed (a different model of the same shape), tiny with one
/// layer dropped, and builtin:nano (a smaller model with the same vocabulary; no trained small model exists here).
/// </summary>
internal static class Substitutes
{
    public static ModelWeights Reference() => RandomModelFactory.CreateWeights(BuiltinModels.TinySpec, TensorDType.F32, "tiny-f32");

    public static IReadOnlyList<(string Name, Func<ModelWeights> Load)> All { get; } =
    [
        ("tiny BF16 weights", () => RandomModelFactory.CreateWeights(BuiltinModels.TinySpec, TensorDType.BF16, "tiny-bf16")),
        ("tiny F16 weights", () => RandomModelFactory.CreateWeights(BuiltinModels.TinySpec, TensorDType.F16, "tiny-f16")),
        ("tiny Q8_0 weights", () => RandomModelFactory.CreateWeights(BuiltinModels.TinySpec, TensorDType.Q8_0, "tiny-q8_0")),
        ("tiny, layer 2 of 4 dropped", () => DroppedLayer(2)),
        ("tiny, another seed", () => RandomModelFactory.CreateWeights(BuiltinModels.TinySpec with { Seed = BuiltinModels.TinySeed + 1 }, TensorDType.F32, "tiny-seed+1")),
        ("builtin:nano (smaller model)", () => RandomModelFactory.CreateWeights(BuiltinModels.NanoSpec, TensorDType.F32, "nano")),
    ];

    /// <summary>tiny without block <paramref name="drop"/>: the later blocks move down one index, the rest is unchanged.</summary>
    private static ModelWeights DroppedLayer(int drop)
    {
        var full = RandomModelFactory.Create(BuiltinModels.TinySpec);
        var config = full.Config with { LayerCount = full.Config.LayerCount - 1 };
        var tensors = new List<NamedTensor>();
        foreach (var t in full.Tensors)
        {
            if (!t.Name.StartsWith("model.layers.", StringComparison.Ordinal)) { tensors.Add(t); continue; }
            var parts = t.Name.Split('.', 4); // model, layers, i, suffix
            int layer = int.Parse(parts[2]);
            if (layer == drop) continue;
            tensors.Add(t with { Name = HfTensorNames.Layer(layer > drop ? layer - 1 : layer, parts[3]) });
        }
        return InMemoryModel.Build(new ModelTensors(config, tensors), TensorDType.F32, $"tiny-drop{drop}");
    }
}
