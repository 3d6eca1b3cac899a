namespace TensorCash.Calibration;

public sealed record CalibrationOptions(int Honest, int PerAttack, int WindowSize, int Threads, int Evidence)
{
    public static CalibrationOptions Parse(string[] args)
    {
        int honest = 1000, attacks = 200, window = 16, threads = Environment.ProcessorCount, evidence = 32;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after {args[i]}");
            int value = int.Parse(args[i + 1]);
            switch (args[i])
            {
                case "--honest": honest = value; break;
                case "--attacks": attacks = value; break;
                case "--window": window = value; break;
                case "--threads": threads = value; break;
                case "--evidence": evidence = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --honest --attacks --window --threads --evidence)");
            }
        }
        return new CalibrationOptions(honest, attacks, window, threads, evidence);
    }
}
