namespace TensorCash.Calibration;

/// <summary>Command line; with <see cref="Model"/> set the run measures cost on that model instead of calibrating.</summary>
public sealed record CalibrationOptions(int Honest, int PerAttack, int WindowSize, int Threads, int Evidence, string? Model, int Rounds, int Positions)
{
    /// <summary>--reuse N: the prefix-reuse simulation (ReuseBench.cs) with N attempts per scenario instead of calibrating.</summary>
    public int Reuse { get; init; }

    /// <summary>--tau-milli 100,250: pinned temperatures (thousandths) of the real-model reuse runs (none: no real-model run).</summary>
    public int[] Temperatures { get; init; } = [];

    /// <summary>--real-attempts N: attempts per real-model reuse run.</summary>
    public int RealAttempts { get; init; } = 1000;

    /// <summary>--salt S: reuse runs with S salt tokens instead of builtin:tiny's 4, new design only (salt-collision grinding at a measurable scale).</summary>
    public int Salt { get; init; }

    /// <summary>--costs: the tier-1 / penalty-set / bytes-per-token / tier-2 cost measurements (CostBench.cs).</summary>
    public bool Costs { get; init; }

    /// <summary>--trained PATH: calibrate on this trained model (TrainedModel.cs) instead of a random one; the reuse run's real model too.</summary>
    public string? Trained { get; init; }

    /// <summary>--tokenizer FILE: tokenizer.json for --trained (default: the model's own).</summary>
    public string? Tokenizer { get; init; }

    /// <summary>--prompts FILE: the prompts for --trained (prompts/make-prompts.py).</summary>
    public string? Prompts { get; init; }

    /// <summary>--other PATH: the "different model" attack runs this model (another checkpoint) instead of a perturbed copy.</summary>
    public string? Other { get; init; }

    /// <summary>--envelope: honest deviations between numerical contracts under the tolerance envelope (EnvelopeBench.cs).</summary>
    public bool Envelope { get; init; }

    /// <summary>--ceiling: the distribution of per-window mean sampled probability against the entropy ceiling (CeilingBench.cs).</summary>
    public bool Ceiling { get; init; }

    public static CalibrationOptions Parse(string[] args)
    {
        int honest = 1000, attacks = 200, window = 16, threads = Environment.ProcessorCount, evidence = 32, rounds = 9, positions = 8;
        string? model = null;
        int reuse = 0, realAttempts = 1000, salt = 0;
        int[] temperatures = [];
        bool costs = false, envelope = false, ceiling = false;
        string? trained = null, tokenizer = null, prompts = null, other = null;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (args[i] is "--costs" or "--envelope" or "--ceiling")
            {
                if (args[i] == "--costs") costs = true;
                else if (args[i] == "--envelope") envelope = true;
                else ceiling = true;
                i--;
                continue;
            }
            if (args[i] == "--tau-milli" && i + 1 < args.Length)
            {
                temperatures = args[i + 1].Split(',').Select(int.Parse).ToArray();
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after {args[i]}");
            switch (args[i])
            {
                case "--model": model = args[i + 1]; continue;
                case "--trained": trained = args[i + 1]; continue;
                case "--tokenizer": tokenizer = args[i + 1]; continue;
                case "--prompts": prompts = args[i + 1]; continue;
                case "--other": other = args[i + 1]; continue;
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
                case "--reuse": reuse = value; break;
                case "--salt": salt = value; break;
                case "--real-attempts": realAttempts = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --honest --attacks --window --threads --evidence --model --rounds --positions --reuse --salt --tau-milli --real-attempts --costs --trained --tokenizer --prompts --other --envelope --ceiling)");
            }
        }
        return new CalibrationOptions(honest, attacks, window, threads, evidence, model, rounds, positions)
        {
            Reuse = reuse, Salt = salt, Temperatures = temperatures, RealAttempts = realAttempts, Costs = costs,
            Trained = trained, Tokenizer = tokenizer, Prompts = prompts, Other = other, Envelope = envelope, Ceiling = ceiling,
        };
    }
}
