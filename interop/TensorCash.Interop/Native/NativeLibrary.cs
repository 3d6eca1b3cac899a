using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Instruction sets of the native kernel tables (TC_ISA_*).</summary>
public enum NativeIsa
{
    Auto = 0,
    Scalar = 1,
    Avx2 = 2,
    Avx512 = 3,
}

/// <summary>Library-level entry points of libtensorcash_native (version, errors, ISA dispatch, ABI layout).</summary>
public static partial class NativeLibrary
{
    internal const string Lib = "tensorcash_native";

    /// <summary>The TC_ABI_VERSION these bindings mirror; a library reporting another one has other struct layouts.</summary>
    public const int ExpectedAbiVersion = 4;

    /// <summary>Number of entries tc_abi_layout writes (see tensorcash.h for their order).</summary>
    public const int AbiLayoutEntryCount = 48;

    [LibraryImport(Lib, EntryPoint = "tc_abi_version")]
    private static partial int tc_abi_version();

    [LibraryImport(Lib, EntryPoint = "tc_last_error")]
    private static partial nint tc_last_error();

    [LibraryImport(Lib, EntryPoint = "tc_last_status")]
    private static partial int tc_last_status();

    [LibraryImport(Lib, EntryPoint = "tc_isa_supported")]
    private static partial int tc_isa_supported();

    [LibraryImport(Lib, EntryPoint = "tc_isa_set")]
    private static partial int tc_isa_set(int isa);

    [LibraryImport(Lib, EntryPoint = "tc_isa_active")]
    private static partial int tc_isa_active();

    [LibraryImport(Lib, EntryPoint = "tc_abi_layout")]
    private static unsafe partial int tc_abi_layout(long* output, int capacity);

    public static int AbiVersion => tc_abi_version();

    private static readonly Lazy<int> CheckedVersion = new(() =>
    {
        int version = tc_abi_version();
        if (version != ExpectedAbiVersion)
            throw new NativeException(NativeStatus.Unsupported,
                $"libtensorcash_native reports ABI version {version}, these bindings need {ExpectedAbiVersion}: the native library is stale or from another build (rebuild with `dotnet build`)");
        ApplyIsaFromEnvironment();
        return version;
    });

    /// <summary>Throws once per process, with a readable message, if the loaded library was built for other struct layouts.</summary>
    public static void EnsureCompatible() => _ = CheckedVersion.Value;

    /// <summary>The calling thread's last native error message ("" if none).</summary>
    public static string LastError => Marshal.PtrToStringUTF8(tc_last_error()) ?? "";

    /// <summary>The calling thread's last native status (TC_OK after a successful call).</summary>
    public static int LastStatus => tc_last_status();

    public static bool IsSupported(NativeIsa isa) => (tc_isa_supported() & (1 << (int)isa)) != 0;

    /// <summary>The kernel table in use. Process-wide: meant for tests and benchmarks.</summary>
    public static NativeIsa ActiveIsa
    {
        get => (NativeIsa)tc_isa_active();
        set => NativeStatus.Check(tc_isa_set((int)value), "tc_isa_set");
    }

    /// <summary>The environment variable that picks the kernel table for the whole process (scalar, avx2, avx512, auto).</summary>
    public const string IsaEnvironmentVariable = "TENSORCASH_ISA";

    /// <summary>"scalar", "avx2", "avx512" or "auto" (case-insensitive); null for anything else.</summary>
    public static NativeIsa? ParseIsa(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => NativeIsa.Auto,
        "scalar" => NativeIsa.Scalar,
        "avx2" => NativeIsa.Avx2,
        "avx512" => NativeIsa.Avx512,
        _ => null,
    };

    public static string IsaName(NativeIsa isa) => isa.ToString().ToLowerInvariant();

    /// <summary>Every ISA this CPU and build can run, by name.</summary>
    public static string SupportedIsaNames() =>
        string.Join(", ", new[] { NativeIsa.Scalar, NativeIsa.Avx2, NativeIsa.Avx512 }.Where(IsSupported).Select(IsaName));

    /// <summary>
    /// TENSORCASH_ISA opts in to a kernel table (AVX-512 is never picked automatically yet). The native library reads it
    /// too, but silently falls back when the value is unknown or unsupported; here that is an error with the reason.
    /// </summary>
    private static void ApplyIsaFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(IsaEnvironmentVariable);
        if (string.IsNullOrEmpty(value)) return;
        NativeIsa isa = ParseIsa(value)
            ?? throw new NativeException(NativeStatus.InvalidArgument, $"{IsaEnvironmentVariable}={value}: expected scalar, avx2, avx512 or auto");
        if (isa != NativeIsa.Auto && !IsSupported(isa))
            throw new NativeException(NativeStatus.Unsupported,
                $"{IsaEnvironmentVariable}={value}: this CPU or build cannot run it (supported: {SupportedIsaNames()})");
        ActiveIsa = isa;
    }

    /// <summary>sizeof/offsetof of every ABI struct as the native compiler laid them out.</summary>
    public static unsafe long[] AbiLayout()
    {
        var layout = new long[AbiLayoutEntryCount];
        fixed (long* p = layout)
        {
            int n = tc_abi_layout(p, layout.Length);
            if (n != layout.Length)
                throw new NativeException(NativeStatus.Internal, $"tc_abi_layout returned {n} entries, expected {layout.Length}: {LastError}");
        }
        return layout;
    }
}
