namespace TensorCash.Cli.Commands;

/// <summary>Hex arguments and key files of the toolkit commands (`vrf`, `receipt`, `prove --receipt`), with errors that name the flag.</summary>
internal static class ToolkitInput
{
    /// <summary>Hex (upper or lower case, an optional 0x) of exactly <paramref name="size"/> bytes, or any length when size is null.</summary>
    public static byte[] Hex(string text, string flag, int? size = null)
    {
        var digits = text.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new UsageException($"{flag} is not hex: '{Shorten(text)}'");
        }
        if (size is int n && bytes.Length != n) throw new UsageException($"{flag} must be {n} bytes ({2 * n} hex digits), got {bytes.Length}");
        return bytes;
    }

    /// <summary>A secret key file: one line of hex, <paramref name="size"/> bytes.</summary>
    public static byte[] KeyFile(string path, string flag, int size)
    {
        if (!File.Exists(path)) throw new UsageException($"{flag} {path}: no such file");
        if (new FileInfo(path).Length > 4 * size + 16) throw new UsageException($"{flag} {path}: not a key file (expected {2 * size} hex digits)");
        return Hex(File.ReadAllText(path), $"{flag} {path}", size);
    }

    /// <summary>Writes a new secret key file readable by its owner only; refuses to overwrite an existing one.</summary>
    public static void WriteKeyFile(string path, byte[] secretKey, string flag)
    {
        if (File.Exists(path)) throw new UsageException($"{flag} {path} exists; refusing to overwrite a key");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(Convert.ToHexStringLower(secretKey));
    }

    public static byte[] ReadFile(string path, string what, int maxBytes)
    {
        if (!File.Exists(path)) throw new UsageException($"{what} {path}: no such file");
        var length = new FileInfo(path).Length;
        if (length > maxBytes) throw new UsageException($"{what} {path} is {length} bytes; the limit is {maxBytes}");
        return File.ReadAllBytes(path);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
