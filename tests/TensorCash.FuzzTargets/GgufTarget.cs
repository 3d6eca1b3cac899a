using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;

namespace TensorCash.FuzzTargets;

/// <summary>
/// A .gguf checkpoint: GgufFile.Open (header, metadata, tensor infos), a view of every tensor, then the whole
/// GgufModelLoader.Load (configuration, expected tensors, llama Q/K row permutation).
/// </summary>
public static class GgufTarget
{
    public static FuzzTarget Create() => new("gguf", "GgufFile.Open / GgufModelLoader.Load", Probe, typeof(ModelFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        using var scratch = new TempInputFile(input, ".gguf");
        using (var file = GgufFile.Open(scratch.Path))
        {
            foreach (var tensor in file.Tensors)
            {
                try
                {
                    file.Find(tensor.Name);
                }
                catch (ModelFormatException)
                {
                    // one bad tensor is that tensor's documented rejection; keep looking at the others
                }
            }
        }
        using var weights = GgufModelLoader.Load(scratch.Path);
    }
}
