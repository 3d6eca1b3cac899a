using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Vdf;

namespace TensorCash.Tests.Chain.Vdf;

/// <summary>The group law on random forms: closure, identity, inverse, commutativity, associativity, NUDUPL = f·f.</summary>
public class ClassGroupTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(60);

    private static readonly VdfSetup Small = VdfSetup.FromSeed(new byte[32], 128);
    private static readonly VdfSetup Large = VdfSetup.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray(), 1024);

    /// <summary>A random element: g^k for a random k of up to 200 bits (Power uses Compose; Square is checked separately).</summary>
    private static QuadraticForm RandomForm(VdfSetup setup, Random random)
    {
        var bytes = new byte[25];
        random.NextBytes(bytes);
        return setup.Group.Power(setup.Generator, new BigInteger(bytes, isUnsigned: true));
    }

    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    [TestCase(128)]
    [TestCase(1024)]
    public void LawsHoldOnRandomForms(int bits)
    {
        var setup = bits == 128 ? Small : Large;
        var group = setup.Group;
        Prop.ForAll(Seeds, seed =>
        {
            var random = new Random(seed);
            var (f, g, h) = (RandomForm(setup, random), RandomForm(setup, random), RandomForm(setup, random));
            foreach (var form in new[] { f, g, h, group.Compose(f, g), group.Square(f) })
            {
                Assert.That(form.IsReduced, $"{form} is reduced");
                Assert.That(form.Discriminant, Is.EqualTo(setup.Discriminant));
            }
            Assert.That(group.Compose(f, group.Identity), Is.EqualTo(f), "identity");
            Assert.That(group.Compose(f, f.Inverse()), Is.EqualTo(group.Identity), "inverse");
            Assert.That(group.Compose(f, g), Is.EqualTo(group.Compose(g, f)), "commutative");
            Assert.That(group.Compose(group.Compose(f, g), h), Is.EqualTo(group.Compose(f, group.Compose(g, h))), "associative");
            Assert.That(group.Square(f), Is.EqualTo(group.Compose(f, f)), "NUDUPL equals self-composition");
            return true;
        }).Check(Quick);
    }

    [Test]
    public void SquaringTheIdentityAndTheGeneratorAgreesWithComposition()
    {
        foreach (var setup in new[] { Small, Large })
        {
            var group = setup.Group;
            Assert.That(group.Square(group.Identity), Is.EqualTo(group.Identity));
            var x = setup.Generator;
            for (int i = 0; i < 200; i++)
            {
                var next = group.Square(x);
                Assert.That(next, Is.EqualTo(group.Compose(x, x)), $"step {i}");
                x = next;
            }
        }
    }

    [Test]
    public void PowerAddsExponents()
    {
        var group = Small.Group;
        var g = Small.Generator;
        Assert.That(group.Compose(group.Power(g, 12345), group.Power(g, 67890)), Is.EqualTo(group.Power(g, 12345 + 67890)));
        Assert.That(group.Power(g, 0), Is.EqualTo(group.Identity));
        Assert.That(group.Power(g, 1), Is.EqualTo(g));
    }

    [Test]
    public void ReductionGivesTheUniqueRepresentative()
    {
        // (a, b, c) and its translates (a, b + 2ka, …) are one class; all reduce to the same form.
        var f = RandomForm(Small, new Random(5));
        for (int k = -3; k <= 3; k++)
        {
            var b = f.B + 2 * k * f.A;
            var translate = QuadraticForm.FromAB(f.A, b, Small.Discriminant);
            Assert.That(translate.Reduced(), Is.EqualTo(f), $"k = {k}");
        }
        var swapped = new QuadraticForm(f.C, -f.B, f.A);
        Assert.That(swapped.Reduced(), Is.EqualTo(f));
    }

    [Test]
    public void DiscriminantsArePrimeSevenModEightOfTheRequestedSizeAndDependOnTheSeed()
    {
        foreach (int bits in new[] { 64, 128, 256, 1024 })
        {
            var d = VdfDiscriminant.Derive(new byte[32], bits);
            Assert.That(d.Sign, Is.LessThan(0));
            Assert.That(PrimalityTest.IsProbablePrime(-d));
            Assert.That((int)((-d) % 8), Is.EqualTo(7));
            Assert.That((-d).GetBitLength(), Is.EqualTo(bits));
        }
        var seed = new byte[32];
        seed[31] = 1;
        Assert.That(VdfDiscriminant.Derive(seed, 256), Is.Not.EqualTo(VdfDiscriminant.Derive(new byte[32], 256)));
        Assert.Throws<ArgumentException>(() => VdfDiscriminant.Derive(new byte[31], 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => VdfDiscriminant.Derive(new byte[32], 32));
    }

    [Test]
    public void PrimalityTestAgreesWithTrialDivisionAndRejectsCarmichaelAndStrongPseudoprimes()
    {
        for (int n = 0; n < 5000; n++)
        {
            bool prime = n >= 2 && Enumerable.Range(2, Math.Max(0, (int)Math.Sqrt(n) - 1)).All(d => n % d != 0);
            Assert.That(PrimalityTest.IsProbablePrime(n), Is.EqualTo(prime), $"{n}");
        }
        // 3215031751 = 151·751·28351 is a strong pseudoprime to bases 2, 3, 5, 7; 561 and 41041 are Carmichael numbers.
        foreach (long composite in new long[] { 561, 41041, 3215031751, 3825123056546413051 })
            Assert.That(PrimalityTest.IsProbablePrime(composite), Is.False, $"{composite}");
        Assert.That(PrimalityTest.IsProbablePrime(BigInteger.Pow(2, 127) - 1), "M127");
        Assert.That(PrimalityTest.IsProbablePrime(BigInteger.Pow(2, 128) + 1), Is.False, "F7 is composite");
    }
}
