using System.Text.Json;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;

namespace TensorCash.Node.Wallet;

/// <summary>
/// The wallet file: JSON holding the network, the HD seed and the keys in creation order (format version 2).
/// <code>
/// { "format": "tensorcash-wallet", "version": 2, "network": "regtest",
///   "hd": { "accountXpub": "&lt;148 hex digits: BIP32 serialization of m/44'/21571'/0' without the 4-byte version&gt;", "nextReceive": 1, "nextChange": 0,
///           "mnemonic": "&lt;24 BIP39 words; absent when encrypted&gt;" },
///   "keys": [ { "index": 0, "privateKey": "&lt;64 hex digits; absent when encrypted&gt;", "publicKey": "&lt;66 hex digits&gt;",
///               "path": "m/44'/21571'/0'/0/0", "label": "", "change": false } ],
///   "encryption": { "cipher": "aes-256-gcm", "kdf": "pbkdf2-sha512", "iterations": 210000, "salt": "&lt;hex&gt;",
///                   "nonce": "&lt;hex&gt;", "ciphertext": "&lt;hex&gt;", "tag": "&lt;hex&gt;" } }
/// </code>
/// Keys without "path" are the random keys of wallets made before HD (version 1 files: no "hd", every key with its
/// "privateKey" and no "publicKey"); they are still read, and <see cref="NodeWallet.Open"/> migrates them.
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
    public const int FormatVersion = 2;
    /// <summary>The pre-HD format: random keys only, always in clear. Still read.</summary>
    public const int LegacyFormatVersion = 1;
    public const string Cipher = "aes-256-gcm";
    public const string Kdf = "pbkdf2-sha512";
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
        if (version != FormatVersion && version != LegacyFormatVersion)
            throw new FormatException($"format version {version} is not supported; this build reads versions {LegacyFormatVersion} and {FormatVersion}");
        bool legacy = version == LegacyFormatVersion;
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
            byte[]? privateKey = null;
            if (legacy || element.TryGetProperty("privateKey", out _))
            {
                string hex = RequireString(element, "privateKey", where);
                if (hex.Length != PrivateKeyHexLength || !hex.All(char.IsAsciiHexDigit))
                    throw new FormatException($"{where}'s private key is not {PrivateKeyHexLength} hex digits");
                privateKey = Convert.FromHexString(hex);
                if (!Secp256k1Keys.IsValidPrivateKey(privateKey)) throw new FormatException($"{where}'s private key is outside [1, n-1]");
            }
            byte[]? publicKey = null;
            if (!legacy)
            {
                publicKey = RequireHex(element, "publicKey", where, 33);
                if (privateKey is not null && !Secp256k1Keys.GetPublicKey(privateKey).AsSpan().SequenceEqual(publicKey))
                    throw new FormatException($"{where}'s public key does not match its private key");
            }
            if (!seen.Add(Convert.ToHexString(publicKey ?? Secp256k1Keys.GetPublicKey(privateKey!)))) throw new FormatException($"{where} repeats an earlier key");
            string? path = null;
            if (!legacy && element.TryGetProperty("path", out _)) path = HdPath.Validate(RequireString(element, "path", where), where);
            string label = element.TryGetProperty("label", out var labelElement)
                ? labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString()! : throw new FormatException($"{where}'s label is not a string")
                : "";
            bool isChange = element.TryGetProperty("change", out var changeElement)
                ? changeElement.ValueKind is JsonValueKind.True or JsonValueKind.False ? changeElement.GetBoolean() : throw new FormatException($"{where}'s \"change\" is not true or false")
                : false;
            keys.Add(new WalletKey(index, privateKey, label, isChange, path, publicKey));
        }
        if (legacy) return new WalletFileContents(network, keys);

        if (!root.TryGetProperty("hd", out var hdElement) || hdElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("\"hd\" is missing or not an object");
        var hd = new WalletHd(
            RequireHex(hdElement, "accountXpub", "\"hd\"", 74),
            RequireInt(hdElement, "nextReceive", "\"hd\""), RequireInt(hdElement, "nextChange", "\"hd\""),
            hdElement.TryGetProperty("mnemonic", out _) ? RequireString(hdElement, "mnemonic", "\"hd\"") : null);
        if (hd.NextReceive < 0 || hd.NextChange < 0) throw new FormatException("\"hd\" has a negative next index");
        WalletEncryption? encryption = null;
        if (root.TryGetProperty("encryption", out var encElement))
        {
            const string where = "\"encryption\"";
            if (encElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is not an object");
            if (RequireString(encElement, "cipher", where) != Cipher || RequireString(encElement, "kdf", where) != Kdf)
                throw new FormatException($"{where} is not {Cipher} with {Kdf}");
            int iterations = RequireInt(encElement, "iterations", where);
            if (iterations < WalletCrypto.MinimumIterations) throw new FormatException($"{where} has {iterations} iterations, under {WalletCrypto.MinimumIterations}");
            encryption = new WalletEncryption(iterations, RequireHex(encElement, "salt", where, WalletCrypto.SaltSize),
                RequireHex(encElement, "nonce", where, WalletCrypto.NonceSize), RequireHex(encElement, "ciphertext", where, null),
                RequireHex(encElement, "tag", where, WalletCrypto.TagSize));
            if (hd.Mnemonic is not null || keys.Any(k => k.PrivateKey is not null))
                throw new FormatException("an encrypted wallet holds a mnemonic or private key in clear");
        }
        else if (hd.Mnemonic is null || keys.Any(k => k.PrivateKey is null))
            throw new FormatException("an unencrypted wallet lacks its mnemonic or a private key");
        return new WalletFileContents(network, keys, hd, encryption);
    }

    private static int RequireInt(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw new FormatException($"{where} has no integer \"{name}\"");

    private static byte[] RequireHex(JsonElement element, string name, string where, int? length)
    {
        string hex = RequireString(element, name, where);
        if ((length is { } n && hex.Length != 2 * n) || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            throw new FormatException($"{where}'s \"{name}\" is not {(length is { } m ? $"{2 * m} " : "")}hex digits");
        return Convert.FromHexString(hex);
    }

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
            var hd = contents.Hd ?? throw new InvalidOperationException("a wallet is saved only with its HD seed");
            writer.WriteStartObject("hd");
            writer.WriteString("accountXpub", Convert.ToHexStringLower(hd.AccountXpub));
            writer.WriteNumber("nextReceive", hd.NextReceive);
            writer.WriteNumber("nextChange", hd.NextChange);
            if (hd.Mnemonic is not null) writer.WriteString("mnemonic", hd.Mnemonic);
            writer.WriteEndObject();
            writer.WriteStartArray("keys");
            foreach (var key in contents.Keys)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", key.Index);
                if (key.PrivateKey is not null) writer.WriteString("privateKey", Convert.ToHexStringLower(key.PrivateKey));
                writer.WriteString("publicKey", Convert.ToHexStringLower(key.PublicKey ?? Secp256k1Keys.GetPublicKey(key.PrivateKey!)));
                if (key.Path is not null) writer.WriteString("path", key.Path);
                writer.WriteString("label", key.Label);
                writer.WriteBoolean("change", key.IsChange);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (contents.Encryption is { } e)
            {
                writer.WriteStartObject("encryption");
                writer.WriteString("cipher", Cipher);
                writer.WriteString("kdf", Kdf);
                writer.WriteNumber("iterations", e.Iterations);
                writer.WriteString("salt", Convert.ToHexStringLower(e.Salt));
                writer.WriteString("nonce", Convert.ToHexStringLower(e.Nonce));
                writer.WriteString("ciphertext", Convert.ToHexStringLower(e.Ciphertext));
                writer.WriteString("tag", Convert.ToHexStringLower(e.Tag));
                writer.WriteEndObject();
            }
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
