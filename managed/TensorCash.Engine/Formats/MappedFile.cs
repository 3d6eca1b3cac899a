using System.IO.MemoryMappedFiles;
using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats;

/// <summary>
/// A whole file mapped read-only into memory, so tensor views can point straight into the page cache
/// instead of copying gigabytes of weights onto the heap.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private bool _pointerAcquired;

    public string Path { get; }
    public long Length { get; }
    /// <summary>Address of the file's first byte; valid until <see cref="Dispose"/>.</summary>
    public byte* Base { get; }

    private MappedFile(string path, long length, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePtr)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _pointerAcquired = true;
        Base = basePtr;
    }

    public static MappedFile Open(string path)
    {
        long length;
        try
        {
            // The length of what the mapping will read: FileInfo.Length of a symbolic link is the link's own size
            // (a few dozen bytes), which made a linked checkpoint look truncated.
            var info = new FileInfo(path);
            length = (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, null, $"cannot read file: {e.Message}", e);
        }
        // A zero-length file cannot be mapped, and is always a truncated checkpoint.
        if (length == 0) throw new ModelFormatException(path, null, "file is empty (truncated?)");

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* ptr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            return new MappedFile(path, length, map, view, ptr + view.PointerOffset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            map?.Dispose();
            throw new ModelFormatException(path, null, $"cannot map file: {e.Message}", e);
        }
    }

    /// <summary>The bytes [offset, offset + count), bounds-checked against the file length.</summary>
    public ReadOnlySpan<byte> Span(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > Length)
            throw new ModelFormatException(Path, null, $"read of {count} bytes at offset {offset} runs past the end of the {Length}-byte file (truncated?)");
        return new ReadOnlySpan<byte>(Base + offset, count);
    }

    public void Dispose()
    {
        if (_pointerAcquired)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointerAcquired = false;
        }
        _view.Dispose();
        _map.Dispose();
    }
}
