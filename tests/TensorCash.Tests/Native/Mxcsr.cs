using System.Runtime.InteropServices;
using NUnit.Framework;

namespace TensorCash.Tests.Native;

/// <summary>
/// Reads and writes the calling thread's SSE control register, to check that the native backend refuses to run under a
/// non-default floating-point environment. .NET has no intrinsic for LDMXCSR/STMXCSR, so this maps two 4-byte stubs
/// (System V x86-64: the pointer argument arrives in rdi) into an executable page: ldmxcsr [rdi]; ret and
/// stmxcsr [rdi]; ret.
/// </summary>
public static unsafe partial class Mxcsr
{
    public const uint Default = 0x1f80;   // all exceptions masked, round to nearest, no FTZ, no DAZ
    public const uint Daz = 1u << 6;
    public const uint Ftz = 1u << 15;
    public const uint RoundDown = 1u << 13;

    private static readonly Lazy<nint> Code = new(Map);

    public static void RequireSupported()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux())
            Assert.Ignore("MXCSR stubs are written for x86-64 Linux");
    }

    public static uint Get()
    {
        uint value;
        ((delegate* unmanaged<uint*, void>)(Code.Value + 4))(&value);
        return value;
    }

    public static void Set(uint value) => ((delegate* unmanaged<uint*, void>)Code.Value)(&value);

    /// <summary>Runs <paramref name="body"/> with MXCSR = <paramref name="value"/> on this thread, then restores it.</summary>
    public static void With(uint value, Action body)
    {
        uint saved = Get();
        Set(value);
        try
        {
            body();
        }
        finally
        {
            Set(saved);
        }
    }

    private static nint Map()
    {
        const int protRead = 1, protWrite = 2, protExec = 4, mapPrivate = 2, mapAnonymous = 0x20;
        nint page = mmap(0, 4096, protRead | protWrite, mapPrivate | mapAnonymous, -1, 0);
        if (page == -1) throw new InvalidOperationException("mmap failed");
        byte[] stubs = [0x0f, 0xae, 0x17, 0xc3, 0x0f, 0xae, 0x1f, 0xc3];  // ldmxcsr [rdi]; ret | stmxcsr [rdi]; ret
        stubs.CopyTo(new Span<byte>((void*)page, stubs.Length));
        if (mprotect(page, 4096, protRead | protExec) != 0) throw new InvalidOperationException("mprotect failed");
        return page;
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int mprotect(nint addr, nuint length, int prot);
}
