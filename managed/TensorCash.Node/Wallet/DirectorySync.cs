using System.Runtime.InteropServices;

namespace TensorCash.Node.Wallet;

/// <summary>
/// fsync of a directory, which .NET has no API for: after a rename, the new directory entry is only durable once
/// the directory itself is synced. Without it a power cut can bring back the previous wallet file, without the key
/// the user was just given an address for.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on every Unix; a directory can be opened read-only and fsynced

    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS journals the rename itself; there is no directory handle to flush
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
            throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
