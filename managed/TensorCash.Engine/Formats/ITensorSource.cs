using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>Where a loader finds tensors by their HF name, and how to describe them in errors.</summary>
public interface ITensorSource
{
    /// <summary>The tensor, or null when the checkpoint does not contain it.</summary>
    TensorView? Find(string hfName);
    /// <summary>The file that holds (or should hold) the tensor.</summary>
    string FileOf(string hfName);
    /// <summary>The tensor's name as the file spells it (GGUF names differ from HF's).</summary>
    string StoredName(string hfName);
}
