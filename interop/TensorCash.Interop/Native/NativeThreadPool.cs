using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Owns a native tc_threadpool.</summary>
public sealed partial class NativeThreadPool : SafeHandle
{
    public NativeThreadPool() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    public int Size => tc_threadpool_size(this);

    public static NativeThreadPool Create(int threads)
    {
        var pool = tc_threadpool_create(threads);
        if (pool.IsInvalid) throw NativeStatus.HandleFailure("tc_threadpool_create");
        return pool;
    }

    protected override bool ReleaseHandle()
    {
        tc_threadpool_destroy(handle);
        return true;
    }

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_threadpool_create")]
    private static partial NativeThreadPool tc_threadpool_create(int threads);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_threadpool_destroy")]
    private static partial void tc_threadpool_destroy(nint pool);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_threadpool_size")]
    private static partial int tc_threadpool_size(NativeThreadPool pool);
}
