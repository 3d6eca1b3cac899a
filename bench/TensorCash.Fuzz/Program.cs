using SharpFuzz;
using TensorCash.FuzzTargets;

// Usage: dotnet TensorCash.Fuzz.dll TARGET            under afl-fuzz (input on stdin; SharpFuzz's out-of-process fork server)
//        dotnet TensorCash.Fuzz.dll TARGET FILE...    run files once each and print accepted/rejected (crash triage)
//        dotnet TensorCash.Fuzz.dll --list            the target names
// An exception that is not the target's documented rejection escapes Run, and SharpFuzz reports it to afl-fuzz as a crash.
if (args.Length == 0 || args[0] == "--list")
{
    foreach (var t in FuzzTargetCatalog.All) Console.WriteLine($"{t.Name,-12} {t.Parser}");
    return args.Length == 0 ? 2 : 0;
}

var target = FuzzTargetCatalog.Find(args[0]);
if (args.Length > 1)
{
    // The published assemblies are instrumented: outside afl-fuzz their branch counters need somewhere to go.
    unsafe { SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16); }
    foreach (string file in args[1..])
    {
        bool accepted = target.Run(File.ReadAllBytes(file), out var rejection);
        Console.WriteLine(accepted ? $"accepted {file}" : $"rejected {file}: {rejection!.GetType().Name}: {rejection.Message}");
    }
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
