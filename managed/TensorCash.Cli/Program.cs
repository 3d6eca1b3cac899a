namespace TensorCash.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine($"tensorcash (native ABI {TensorCash.Interop.NativeLibrary.AbiVersion})");
        return 0;
    }
}
