// The managed half of the GMP comparison (bench/vdf-gmp/run.sh): derive the discriminant the consensus code derives
// from a seed, square the generator T times with the consensus ClassGroup.Square (after a short warm-up so the JIT is
// out of the timing), and print D and the result so the GMP port can repeat the same computation and be checked.
using System.Diagnostics;
using TensorCash.Chain.Vdf;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: TensorCash.VdfProbe SEED_HEX BITS T");
    return 2;
}
byte[] seed = Convert.FromHexString(args[0]);
int bits = int.Parse(args[1]);
long ticks = long.Parse(args[2]);

var group = new ClassGroup(VdfDiscriminant.Derive(seed, bits));
var warm = group.Generator;
for (int i = 0; i < 200; i++) warm = group.Square(warm);

var f = group.Generator;
var clock = Stopwatch.StartNew();
for (long i = 0; i < ticks; i++) f = group.Square(f);
double seconds = clock.Elapsed.TotalSeconds;

Console.WriteLine($"D={group.Discriminant}");
Console.WriteLine($"managed a={f.A}");
Console.WriteLine($"managed b={f.B}");
Console.WriteLine($"managed seconds={seconds:F4} squarings_per_s={ticks / seconds:F0}");
return 0;
