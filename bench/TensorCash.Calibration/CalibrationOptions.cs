namespace TensorCash.Calibration;

/// <summary>Command line; with <see cref="Model"/> set the run measures cost on that model instead of calibrating.</summary>
public sealed record CalibrationOptions(int Honest, int PerAttack, int WindowSize, int Threads, int Evidence, string? Model, int Rounds, int Positions)
{
    public static CalibrationOptions Parse(string[] args)
    {
        int honest = 1000, attacks = 200, window = 16, threads = Environment.ProcessorCount, evidence = 32, rounds = 9, positions = 8;
        string? model = null;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after {args[i]}");
            if (args[i] == "--model")
            {
                model = args[i + 1];
                continue;
            }
            int value = int.Parse(args[i + 1]);
            switch (args[i])
            {
                case "--honest": honest = value; break;
                case "--attacks": attacks = value; break;
                case "--window": window = value; break;
                case "--threads": threads = value; break;
                case "--evidence": evidence = value; break;
                case "--rounds": rounds = value; break;
                case "--positions": positions = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --honest --attacks --window --threads --evidence --model --rounds --positions)");
            }
        }
        return new CalibrationOptions(honest, attacks, window, threads, evidence, model, rounds, positions);
    }
}
