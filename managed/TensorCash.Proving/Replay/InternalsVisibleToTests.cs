// The replay plan (which forward calls feed a replay) is tested directly: its rules change only cost, so the
// end-to-end replay tests, which compare bits, could not see a plan that wastes work.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TensorCash.Tests")]
