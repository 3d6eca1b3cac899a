using System.Text.Json;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;

namespace TensorCash.Node.Wallet;

/// <summary>
/// The wallet file: JSON holding the network and the private keys in creation order.
/// <code>
/// { "format": "tensorcash-wallet", "version": 1, "network": "regtest",
///   "keys": [ { "index": 0, "privateKey": "&lt;64 hex digits&gt;", "label": "", "change": false } ] }
/// </code>
/// Safety rules, because the file is the money:
/// - it is created with mode 0600 from its first byte (never readable by others, not even between create and chmod);
/// - opening refuses a file that group or others have any permission on, telling the user to chmod 600 it (the node
///   does not fix it silently: the keys may already have been copied, which the user has to know);
/// - every write goes to a 0600 temporary file that is fsynced, renamed over the wallet, and the directory fsynced,
///   so after a crash the file is either the old or the new version, never a torn one;
/// - a file that cannot be parsed, or is for another network, is reported and never overwritten.
/// </summary>
public static class WalletFile
{
    public const string Format = "tensorcash-wallet";
    public const int FormatVersion = 1;
    public const string DirectoryName = "wallets";
    public const string Extension = ".json";
    /// <summary>Far above any real wallet (a key is about 110 bytes of JSON); bounds what a foreign file can make us read.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;
    /// <summary>Wallet names become file names: no separators, no leading dot, nothing a shell would need quoted.</summary>
    public const int MaxNameLength = 64;

    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const int PrivateKeyHexLength = 2 * Secp256k1Keys.PrivateKeySize;

    /// <summary>DATADIR/wallets/&lt;name&gt;.json.</summary>
    public static string PathIn(string dataDirectory, string name)
    {
        if (name.Length is 0 or > MaxNameLength || name[0] == '.' ||
            !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            throw new WalletException(WalletError.File,
                $"wallet name '{name}' is not allowed: use 1 to {MaxNameLength} letters, digits, '_', '-' or '.', not starting with '.'");
        return Path.Combine(dataDirectory, DirectoryName, name + Extension);
    }

    /// <summary>Writes a new wallet file; fails, touching nothing, if one already exists at <paramref name="path"/>.</summary>
    public static void Create(string path, WalletFileContents contents)
    {
        string directory = DirectoryOf(path);
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
        if (File.Exists(path))
            throw new WalletException(WalletError.File, $"a wallet file already exists at {path}; it was left unchanged");
        WriteAtomically(path, Serialize(contents), replace: false);
    }

    /// <summary>Replaces the wallet file at <paramref name="path"/> atomically (old or new, never torn, even on power loss).</summary>
    public static void Save(string path, WalletFileContents contents) => WriteAtomically(path, Serialize(contents), replace: true);

    /// <summary>
    /// Reads and validates the wallet file. Throws <see cref="WalletException"/> (never a parser exception) when it is
    /// missing, accessible to other users, too large, not a TensorCash wallet, corrupt, or for a network other than
    /// <paramref name="expected"/>.
    /// </summary>
    public static WalletFileContents Load(string path, Network expected)
    {
        byte[] bytes = ReadOwnerOnlyFile(path);
        WalletFileContents contents;
        try
        {
            contents = Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new WalletException(WalletError.File,
                $"wallet file {path} is not a valid TensorCash wallet ({e.Message}); it was left unchanged: restore it from a backup", e);
        }
        if (contents.Network != expected)
            throw new WalletException(WalletError.NetworkMismatch,
                $"wallet file {path} holds {NetworkName(contents.Network)} keys, but this node runs on {NetworkName(expected)}; " +
                $"use a wallet created for {NetworkName(expected)}");
        return contents;
    }

    public static string NetworkName(Network network) => network.ToString().ToLowerInvariant();

    private static byte[] ReadOwnerOnlyFile(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            // The mode is read from the open handle, so the file checked is the file read.
            if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(handle) is var mode && (mode & GroupOrOther) != 0)
                throw new WalletException(WalletError.Permissions,
                    $"wallet file {path} has permissions {Octal(mode)}: other users can access its private keys. " +
                    $"Run 'chmod 600 {path}' (and treat the keys as exposed if anyone else could have read it); the node will not open it until then");
            long length = RandomAccess.GetLength(handle);
            if (length > MaxFileBytes)
                throw new WalletException(WalletError.File, $"wallet file {path} is {length} bytes, over the {MaxFileBytes}-byte limit: it is not a TensorCash wallet");
            var bytes = new byte[length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0) throw new WalletException(WalletError.File, $"wallet file {path} shrank while it was being read");
                read += n;
            }
            return bytes;
        }
        catch (FileNotFoundException e)
        {
            throw new WalletException(WalletError.File, $"no wallet file at {path}", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new WalletException(WalletError.File, $"no wallet file at {path} (its directory does not exist)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new WalletException(WalletError.File, $"cannot read wallet file {path}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new WalletException(WalletError.File, $"cannot read wallet file {path}: {e.Message}", e);
        }
    }

    private static WalletFileContents Parse(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the top level is not a JSON object");
        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            throw new FormatException($"\"format\" is not \"{Format}\"");
        int version = RequireInt(root, "version", "the file");
        if (version != FormatVersion)
            throw new FormatException($"format version {version} is not supported; this build reads version {FormatVersion}");
        string networkName = RequireString(root, "network", "the file");
        var network = Enum.GetValues<Network>().SingleOrDefault(n => NetworkName(n) == networkName, (Network)(-1));
        if (!Enum.IsDefined(network)) throw new FormatException($"unknown network \"{networkName}\"");

        if (!root.TryGetProperty("keys", out var keysElement) || keysElement.ValueKind != JsonValueKind.Array)
            throw new FormatException("\"keys\" is missing or not an array");
        var keys = new List<WalletKey>(keysElement.GetArrayLength());
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var element in keysElement.EnumerateArray())
        {
            string where = $"key {keys.Count}";
            if (element.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is not an object");
            int index = RequireInt(element, "index", where);
            if (index != keys.Count) throw new FormatException($"{where} has index {index}: keys must be stored in creation order 0, 1, 2, ...");
            string hex = RequireString(element, "privateKey", where);
            if (hex.Length != PrivateKeyHexLength || !hex.All(char.IsAsciiHexDigit))
                throw new FormatException($"{where}'s private key is not {PrivateKeyHexLength} hex digits");
            var privateKey = Convert.FromHexString(hex);
            if (!Secp256k1Keys.IsValidPrivateKey(privateKey)) throw new FormatException($"{where}'s private key is outside [1, n-1]");
            if (!seen.Add(hex)) throw new FormatException($"{where} repeats an earlier key");
            string label = element.TryGetProperty("label", out var labelElement)
                ? labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString()! : throw new FormatException($"{where}'s label is not a string")
                : "";
            bool isChange = element.TryGetProperty("change", out var changeElement)
                ? changeElement.ValueKind is JsonValueKind.True or JsonValueKind.False ? changeElement.GetBoolean() : throw new FormatException($"{where}'s \"change\" is not true or false")
                : false;
            keys.Add(new WalletKey(index, privateKey, label, isChange));
        }
        return new WalletFileContents(network, keys);
    }

    private static int RequireInt(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw new FormatException($"{where} has no integer \"{name}\"");

    private static string RequireString(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{where} has no string \"{name}\"");

    private static byte[] Serialize(WalletFileContents contents)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("network", NetworkName(contents.Network));
            writer.WriteStartArray("keys");
            foreach (var key in contents.Keys)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", key.Index);
                writer.WriteString("privateKey", Convert.ToHexStringLower(key.PrivateKey));
                writer.WriteString("label", key.Label);
                writer.WriteBoolean("change", key.IsChange);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteAtomically(string path, byte[] bytes, bool replace)
    {
        string temporary = path + ".tmp";
        try
        {
            // A leftover temporary file is from a write that crashed before its rename. Its newest key never reached a
            // caller (addresses and change are handed out only after the rename), so nothing in it can be needed.
            File.Delete(temporary);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: replace);
            DirectorySync.Sync(DirectoryOf(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WalletException(WalletError.File, $"cannot write wallet file {path}: {e.Message}", e);
        }
    }

    private static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8);
}
