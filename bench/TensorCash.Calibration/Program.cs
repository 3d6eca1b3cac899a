// Calibration of the proof-of-inference verifier (issue 3): runs many honest proof windows and many windows of
// each attack through the real prover and the tiered verifier, and prints the false-positive rate, the detection
// rate per attack, and what verifying a window costs against generating it.
//
//   dotnet run -c Release --project bench/TensorCash.Calibration -- [--honest 1000] [--attacks 200] [--window 16] [--threads 2]
//
// Every run gets its own random binding B and prompt, so windows are independent draws. Model-level attacks run a
// different model while declaring the honest model's id (what a cheating miner would do); transcript-level attacks
// edit an honest transcript. Verification is what a node does: tier 1, then tier 2 (exact, every position).
using TensorCash.Calibration;

var options = CalibrationOptions.Parse(args);
var report = new CalibrationRun(options).Run(Console.Error);
Console.WriteLine(report);
