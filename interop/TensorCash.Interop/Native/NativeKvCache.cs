using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Owns a native tc_kv_cache (one sequence). Independent of the model's lifetime once created.</summary>
public sealed partial class NativeKvCache : SafeHandle
{
    public NativeKvCache() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    public static NativeKvCache Create(NativeModel model, int capacityTokens)
    {
        var kv = tc_kv_create(model, capacityTokens);
        if (kv.IsInvalid) throw NativeStatus.HandleFailure("tc_kv_create");
        return kv;
    }

    public int Length => tc_kv_length(this);
    public int Capacity => tc_kv_capacity(this);

    public void Truncate(int length) => NativeStatus.Check(tc_kv_truncate(this, length), "tc_kv_truncate");

    protected override bool ReleaseHandle()
    {
        tc_kv_destroy(handle);
        return true;
    }

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_kv_create")]
    private static partial NativeKvCache tc_kv_create(NativeModel model, int capacityTokens);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_kv_destroy")]
    private static partial void tc_kv_destroy(nint kv);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_kv_length")]
    private static partial int tc_kv_length(NativeKvCache kv);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_kv_capacity")]
    private static partial int tc_kv_capacity(NativeKvCache kv);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_kv_truncate")]
    private static partial int tc_kv_truncate(NativeKvCache kv, int length);
}
