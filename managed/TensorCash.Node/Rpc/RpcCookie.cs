using System.Security.Cryptography;
using System.Text;

namespace TensorCash.Node.Rpc;

/// <summary>
/// bitcoind's cookie authentication: at start the node writes "__cookie__:&lt;random&gt;" to DATADIR/.cookie with
/// permissions 0600; any local process that can read the file may call the RPC. The file is deleted at shutdown.
/// </summary>
public static class RpcCookie
{
    public const string FileName = ".cookie";
    public const string User = "__cookie__";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>Writes a fresh cookie and returns the "user:password" string it contains.</summary>
    public static string Create(string dataDirectory)
    {
        string credentials = $"{User}:{Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant()}";
        string path = PathIn(dataDirectory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options)) stream.Write(Encoding.ASCII.GetBytes(credentials));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return credentials;
    }

    /// <summary>Reads the cookie, with an error that says what to do when the node is not running.</summary>
    public static string Read(string dataDirectory)
    {
        string path = PathIn(dataDirectory);
        if (!File.Exists(path))
            throw new IOException($"no RPC cookie at {path}: is a node running with --datadir {dataDirectory}?");
        return File.ReadAllText(path).Trim();
    }

    public static void Delete(string dataDirectory)
    {
        try { File.Delete(PathIn(dataDirectory)); }
        catch (IOException) { } // a stale cookie is harmless: the next start overwrites it
    }
}
