using TensorCash.Interop;

namespace TensorCash.Tests.Native;

/// <summary>Forces a kernel table for the duration of a using block (the setting is process-wide).</summary>
public sealed class IsaScope : IDisposable
{
    private readonly NativeIsa _previous = NativeLibrary.ActiveIsa;

    public IsaScope(NativeIsa isa) => NativeLibrary.ActiveIsa = isa;

    public void Dispose() => NativeLibrary.ActiveIsa = _previous;

    /// <summary>Every ISA this CPU and build can run, scalar first.</summary>
    public static IEnumerable<NativeIsa> Supported() =>
        new[] { NativeIsa.Scalar, NativeIsa.Avx2, NativeIsa.Avx512 }.Where(NativeLibrary.IsSupported);

    /// <summary>Runs <paramref name="compute"/> under every supported ISA and returns the results, scalar first.</summary>
    public static List<(NativeIsa Isa, T Result)> OnEach<T>(Func<T> compute)
    {
        var results = new List<(NativeIsa, T)>();
        foreach (NativeIsa isa in Supported())
            using (new IsaScope(isa))
                results.Add((isa, compute()));
        return results;
    }
}
