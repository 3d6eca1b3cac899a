using System.Text.Json;

namespace TensorCash.Node.P2p;

/// <summary>
/// The small JSON files the network layer keeps in the data directory (peers.json, banlist.json) share one policy,
/// kept here so both behave alike: a save never leaves a half-written file behind (write a .tmp, then rename over
/// the old file), the file is private to the node's user (0600: it reveals whom the node talks to), and a file that
/// cannot be understood is moved aside to .bad rather than overwritten by the next save, so nobody loses data to a
/// parser bug and the node still starts.
/// </summary>
internal static class StateFile
{
    /// <summary>
    /// Files larger than this are not read at all (treated as corrupt): both tables are capped far below it, so a
    /// bigger file was not written by us, and reading it could exhaust memory at start-up.
    /// </summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    public const string TempSuffix = ".tmp";
    public const string BadSuffix = ".bad";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The outcome of <see cref="Load"/>: the parsed document (null when absent or corrupt) and a warning.</summary>
    public readonly record struct LoadResult(JsonDocument? Document, string? Warning);

    /// <summary>
    /// Reads and parses <paramref name="path"/>. A missing file gives (null, null). A file that is not JSON, too large,
    /// or rejected by <paramref name="accept"/> (wrong version, wrong shape) is renamed to path.bad and gives
    /// (null, warning). Never throws: a node must start even when its peer files are damaged.
    /// </summary>
    public static LoadResult Load(string path, Func<JsonElement, string?> accept)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return new(null, null);
            if (info.Length > MaxFileBytes) return new(null, Quarantine(path, $"larger than {MaxFileBytes} bytes"));
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable is not corrupt: the file may be fine and only its permissions wrong, so leave it in place.
            return new(null, $"{path} could not be read ({e.Message}); starting with an empty table");
        }

        JsonDocument document;
        try { document = JsonDocument.Parse(bytes); }
        catch (JsonException e) { return new(null, Quarantine(path, $"not valid JSON ({e.Message})")); }

        string? rejection = accept(document.RootElement);
        if (rejection is null) return new(document, null);
        document.Dispose();
        return new(null, Quarantine(path, rejection));
    }

    /// <summary>Moves a corrupt file to path.bad (replacing an older .bad) and returns the warning to show.</summary>
    private static string Quarantine(string path, string why)
    {
        string bad = path + BadSuffix;
        try
        {
            File.Move(path, bad, overwrite: true);
            return $"{path} is corrupt: {why}; moved it to {bad} and started with an empty table";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} is corrupt: {why}; could not move it to {bad} ({e.Message}), started with an empty table";
        }
    }

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> atomically with mode 0600 on Unix. Throws an
    /// IOException naming the path when the write fails; the old file is then untouched.
    /// </summary>
    public static void WriteAtomic(string path, byte[] contents)
    {
        string temp = path + TempSuffix;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                // Flushed to disk before the rename, so a crash cannot leave the new name pointing at empty blocks.
                stream.Flush(flushToDisk: true);
            }
            // UnixCreateMode applies only to a newly created file; a .tmp left over by a crash keeps its old mode.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, OwnerOnly);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { } // the save error matters more
            throw new IOException($"cannot write {path}: {e.Message}", e);
        }
    }

    /// <summary>Serialises with <paramref name="write"/> into a UTF-8 JSON byte array.</summary>
    public static byte[] ToJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) write(writer);
        return buffer.ToArray();
    }

    /// <summary>The version number of a document shaped {"version": n, ...}, or null when it has none.</summary>
    public static int? VersionOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var v)
        && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int version) ? version : null;
}
