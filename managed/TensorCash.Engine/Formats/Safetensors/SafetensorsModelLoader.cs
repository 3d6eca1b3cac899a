using System.Text.Json;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Safetensors;

/// <summary>
/// Loads a Hugging Face model directory: config.json plus model.safetensors, or shards listed in
/// model.safetensors.index.json. All shards are memory-mapped; nothing is copied.
/// </summary>
public static class SafetensorsModelLoader
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";
    public const string TokenizerFileName = "tokenizer.json";
    /// <summary>DoS limit on the shard index (real ones are tens of KB).</summary>
    public const long MaxIndexBytes = 64L * 1024 * 1024;

    public static bool LooksLikeModelDirectory(string path) => Directory.Exists(path);

    public static string? TokenizerPath(string directory)
    {
        string path = Path.Combine(directory, TokenizerFileName);
        return File.Exists(path) ? path : null;
    }

    public static ModelWeights Load(string directory)
    {
        var config = HfConfigReader.Read(directory);
        var shardOf = ReadShardMap(directory);
        var shards = new Dictionary<string, SafetensorsFile>();
        try
        {
            foreach (string file in shardOf.Values.Distinct().Order(StringComparer.Ordinal))
                shards[file] = SafetensorsFile.Open(Path.Combine(directory, file));
            var source = new ShardedSource(directory, shardOf, shards);
            var files = shards.Values.Select(s => s.Path).Prepend(Path.Combine(directory, HfConfigReader.FileName)).ToList();
            return ModelWeightsAssembler.Assemble(config, source, directory, files, shards.Values.ToList());
        }
        catch
        {
            foreach (var shard in shards.Values) shard.Dispose();
            throw;
        }
    }

    /// <summary>Tensor name -> shard file name. A single-file model maps every tensor to model.safetensors.</summary>
    private static Dictionary<string, string> ReadShardMap(string directory)
    {
        string indexPath = Path.Combine(directory, IndexFileName);
        if (!File.Exists(indexPath))
        {
            string single = Path.Combine(directory, SingleFileName);
            if (!File.Exists(single))
                throw new ModelFormatException(single, null, $"missing weights: neither {SingleFileName} nor {IndexFileName} exists");
            using var file = SafetensorsFile.Open(single);
            return file.TensorNames.ToDictionary(n => n, _ => SingleFileName);
        }
        if (new FileInfo(indexPath).Length > MaxIndexBytes)
            throw new ModelFormatException(indexPath, null, $"index is larger than the {MaxIndexBytes}-byte limit");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(indexPath, null, "field 'weight_map' is missing or not an object");
            var result = new Dictionary<string, string>();
            foreach (var entry in map.EnumerateObject())
            {
                string? file = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
                // Shards must be plain names in the model directory: an index must not point anywhere else on disk.
                if (string.IsNullOrEmpty(file) || file != Path.GetFileName(file) || file is "." or "..")
                    throw new ModelFormatException(indexPath, entry.Name, $"field 'weight_map' names an invalid shard file {entry.Value.GetRawText()}");
                if (!File.Exists(Path.Combine(directory, file)))
                    throw new ModelFormatException(Path.Combine(directory, file), entry.Name, "shard file listed in the index is missing");
                result[entry.Name] = file;
            }
            return result;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(indexPath, null, $"index is not valid JSON: {e.Message}", e);
        }
    }

    private sealed class ShardedSource(string directory, Dictionary<string, string> shardOf, Dictionary<string, SafetensorsFile> shards) : ITensorSource
    {
        public TensorView? Find(string hfName)
        {
            if (!shardOf.TryGetValue(hfName, out var file)) return null;
            return shards[file].Find(hfName)
                ?? throw new ModelFormatException(shards[file].Path, hfName, $"missing tensor (the index says it is in this shard)");
        }

        public string FileOf(string hfName) =>
            shardOf.TryGetValue(hfName, out var file) ? shards[file].Path
            : shards.Count == 1 && !File.Exists(Path.Combine(directory, IndexFileName)) ? shards.Values.First().Path
            : Path.Combine(directory, IndexFileName);

        public string StoredName(string hfName) => hfName;
    }
}
