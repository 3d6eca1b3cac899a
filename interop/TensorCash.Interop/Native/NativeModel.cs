using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Owns a native tc_model. The weight memory it points into must outlive it.</summary>
public sealed partial class NativeModel : SafeHandle
{
    public NativeModel() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    /// <summary>Creates the model; the native side copies the config, the layer array and the rope frequencies.</summary>
    public static unsafe NativeModel Create(in TcModelConfig config, in TcModelWeights weights)
    {
        NativeLibrary.EnsureCompatible();
        NativeModel model;
        fixed (TcModelConfig* c = &config)
        fixed (TcModelWeights* w = &weights)
            model = tc_model_create(c, w);
        if (model.IsInvalid) throw NativeStatus.HandleFailure("tc_model_create");
        return model;
    }

    /// <summary>tc_forward over <paramref name="count"/> items. The caller keeps every kv handle and buffer alive.</summary>
    public unsafe void Forward(NativeThreadPool? pool, TcBatchItem* items, int count)
    {
        int status = pool is null ? tc_forward(this, 0, items, count) : tc_forward(this, pool, items, count);
        NativeStatus.Check(status, "tc_forward");
    }

    protected override bool ReleaseHandle()
    {
        tc_model_destroy(handle);
        return true;
    }

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_model_create")]
    private static unsafe partial NativeModel tc_model_create(TcModelConfig* config, TcModelWeights* weights);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_model_destroy")]
    private static partial void tc_model_destroy(nint model);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_forward")]
    private static unsafe partial int tc_forward(NativeModel model, NativeThreadPool pool, TcBatchItem* items, int count);

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_forward")]
    private static unsafe partial int tc_forward(NativeModel model, nint noPool, TcBatchItem* items, int count);
}
