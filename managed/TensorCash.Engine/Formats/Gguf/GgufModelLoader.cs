using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// Loads a .gguf checkpoint. Tensors are views into the mapping, except Q and K of arch 'llama', whose
/// rows the loader gathers back into HF order in buffers it owns (see <see cref="LlamaQkPermutation"/>).
/// </summary>
public static class GgufModelLoader
{
    public static ModelWeights Load(string path)
    {
        var file = GgufFile.Open(path);
        var owned = new List<IDisposable> { file };
        try
        {
            var config = GgufConfigReader.Read(file);
            bool permuted = file.Metadata["general.architecture"].Value as string == "llama";
            var source = new Source(file, config, permuted, owned);
            return ModelWeightsAssembler.Assemble(config, source, path, [path], owned);
        }
        catch
        {
            foreach (var d in Enumerable.Reverse(owned)) d.Dispose();
            throw;
        }
    }

    private sealed unsafe class Source(GgufFile file, ModelConfig config, bool permuted, List<IDisposable> owned) : ITensorSource
    {
        public TensorView? Find(string hfName)
        {
            string name = GgufTensorNames.FromHf(hfName);
            if (file.Find(name) is not { } view) return null;
            view = view with { Name = hfName };
            int heads = GgufTensorNames.IsQuery(hfName) ? config.HeadCount : GgufTensorNames.IsKey(hfName) ? config.KvHeadCount : 0;
            if (!permuted || heads == 0) return view;

            int rows = checked((int)view.Shape[0]);
            if (rows != (long)heads * config.HeadDim) // in long: heads x head_dim from hostile metadata can wrap an int (found by fuzzing)
                throw new ModelFormatException(file.Path, name, $"shape mismatch: {rows} rows, the configuration needs {heads} heads x {config.HeadDim}");
            var buffer = new NativeBuffer(view.ByteLength);
            owned.Add(buffer);
            LlamaQkPermutation.GgufToHf(new ReadOnlySpan<byte>((void*)view.Data, checked((int)view.ByteLength)), buffer.Span, rows, heads);
            return view with { Data = (nint)buffer.Pointer };
        }

        public string FileOf(string hfName) => file.Path;
        public string StoredName(string hfName) => GgufTensorNames.FromHf(hfName);
    }
}
