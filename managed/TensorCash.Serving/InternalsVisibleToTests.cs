// The tests hold the engine's admissions (ContinuousBatcher.HoldAdmissions) to fill the queue exactly.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TensorCash.Tests")]
