using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;

namespace TensorCash.FuzzTargets;

/// <summary>A .safetensors file: SafetensorsFile.Open (length prefix, JSON header, offsets, overlap) and a view of every tensor.</summary>
public static class SafetensorsTarget
{
    public static FuzzTarget Create() => new("safetensors", "SafetensorsFile.Open", Probe, typeof(ModelFormatException));

    private static void Probe(ReadOnlySpan<byte> input)
    {
        using var scratch = new TempInputFile(input, ".safetensors");
        using var file = SafetensorsFile.Open(scratch.Path);
        foreach (string name in file.TensorNames.ToList())
        {
            try
            {
                file.Find(name);
            }
            catch (ModelFormatException)
            {
                // an element type the engine cannot run: that tensor's documented rejection
            }
        }
    }
}
