// Calibration of the proof-of-inference verifier (issue 3): runs many honest proof windows and many windows of
// each attack through the real prover and the tiered verifier, and prints the false-positive rate, the detection
// rate per attack, and what verifying a window costs against generating it.
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- [--honest 1000] [--attacks 200] [--window 16] [--threads 2]
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --model FILE [--rounds 9] [--positions 8] [--threads 2]
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --reuse 20000 --window 64 [--tau-milli 100,250 --real-attempts 1000]
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --costs [--model FILE] [--rounds 9] [--threads 2]
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --trained MODEL.gguf --prompts FILE [--other MODEL2] [--window 64] [--honest N] [--attacks N]
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --envelope --trained MODEL.gguf --prompts FILE [--honest N]
//   dotnet run -c Release --project bench/TensorCash.Calibration -- --ceiling --trained MODEL.gguf --prompts FILE [--honest N] [--tau-milli 1000,800]
//
// With --trained the calibration runs on a trained model and real prompts (TrainedModel.cs) under a builtin:tiny-like
// pinned profile; --envelope measures the tolerance envelope's honest deviations (EnvelopeBench.cs), --ceiling the
// entropy ceiling's behaviour (CeilingBench.cs); --reuse with --trained runs its real-model part on the trained model.
// The fourth form measures issue 10's costs (CostBench.cs): tier 1 per window, the penalty set per step, bytes per
// token, tier-2 replay against generation. The third form simulates the best prefix-reuse attacker against the old (no salt) and new (salt) designs (ReuseBench.cs).
// The second form measures cost on a real-sized model instead (RealModelCost.cs): capture overhead against plain
// generation, and tier-1/tier-2 verification against generation of one 64-token window.
//
// Every run gets its own random binding B and prompt, so windows are independent draws. Model-level attacks run a
// different model while declaring the honest model's id (what a cheating miner would do); transcript-level attacks
// edit an honest transcript. Verification is what a node does: tier 1, then tier 2 (exact, every position).
using TensorCash.Calibration;

var options = CalibrationOptions.Parse(args);
var report = options.Envelope ? new EnvelopeBench(options).Run(Console.Error)
    : options.Ceiling ? new CeilingBench(options).Run(Console.Error)
    : options.Costs ? new CostBench(options).Run(Console.Error)
    : options.Reuse > 0 ? new ReuseBench(options).Run(Console.Error)
    : options.Model is null ? new CalibrationRun(options).Run(Console.Error)
    : new RealModelCost(options).Run(Console.Error);
Console.WriteLine(report);
