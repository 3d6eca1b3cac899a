// The storage encoding helpers are internal; the tests check their ordering property directly.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TensorCash.Tests")]
