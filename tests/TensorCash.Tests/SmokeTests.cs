using NUnit.Framework;

namespace TensorCash.Tests;

public class SmokeTests
{
    [Test]
    public void NativeLibraryLoadsAndReportsAbiVersion() =>
        Assert.That(TensorCash.Interop.NativeLibrary.AbiVersion, Is.EqualTo(TensorCash.Interop.NativeLibrary.ExpectedAbiVersion));
}
