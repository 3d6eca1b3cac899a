using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>Library-level entry points of libtensorcash_native (version, errors, ISA dispatch).</summary>
public static partial class NativeLibrary
{
    internal const string Lib = "tensorcash_native";

    [LibraryImport(Lib, EntryPoint = "tc_abi_version")]
    private static partial int tc_abi_version();

    public static int AbiVersion => tc_abi_version();
}
