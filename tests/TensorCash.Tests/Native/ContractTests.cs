using System.Runtime.InteropServices;
using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Interop;
using NativeLibrary = TensorCash.Interop.NativeLibrary;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>
/// The preconditions of the numerical contract (tensorcash.h): a default floating-point environment, arguments that are
/// refused rather than answered with a made-up value, and reserved fields that are zero.
/// </summary>
public unsafe partial class ContractTests
{
    [TestCase(Mxcsr.Default | Mxcsr.Daz, TestName = "DAZ")]
    [TestCase(Mxcsr.Default | Mxcsr.Ftz, TestName = "FTZ")]
    [TestCase(Mxcsr.Default | Mxcsr.RoundDown, TestName = "round down")]
    [TestCase(Mxcsr.Default & ~(1u << 9), TestName = "divide-by-zero exception unmasked")]
    public void ANonDefaultFloatingPointEnvironmentIsRefused(uint csr)
    {
        Mxcsr.RequireSupported();
        Assert.That(Mxcsr.Get() & 0xffc0, Is.EqualTo(Mxcsr.Default), "the test thread starts in the default environment");
        float[] x = [1e-40f, 2f], y = [1f, 3f];
        using var wb = new NativeBuffer(TestTensors.Encode(y, TensorDType.F32));
        TcTensor w = TestTensors.Native(wb, TensorDType.F32, 1, 2);
        var failures = new List<NativeException>();
        Action[] calls =
        [
            () => NativeOps.Dot(x, y),
            () => NativeOps.Exp(x, new float[2]),
            () => NativeOps.MatMul(null, x, 1, w, null, new float[1]),
            () => NativeOps.RmsNorm(x, 1, 2, w, 1e-5f, new float[2]),
            () => NativeOps.SwiGlu(x, y, new float[2]),
            () => NativeOps.Log([2.0], new double[1]),
            () => NativeOps.SinCos([2.0], new double[1], new double[1]),
            () => NativeOps.Attention(null, x, 1, x, y, 1, 1, 1, 2, new float[2]),
        ];
        Mxcsr.With(csr, () =>
        {
            foreach (Action call in calls)
                try
                {
                    call();
                }
                catch (NativeException e)
                {
                    failures.Add(e);
                }
        });
        Assert.That(failures, Has.Count.EqualTo(calls.Length), "every entry point refuses to run");
        foreach (NativeException e in failures)
        {
            Assert.That(e.Status, Is.EqualTo(NativeStatus.Unsupported));
            Assert.That(e.Message, Does.Contain("MXCSR").And.Contain($"0x{csr:x4}"));
        }
        Assert.DoesNotThrow(() => NativeOps.Dot(x, y), "the default environment is accepted again");
    }

    [Test]
    public void DotReportsBadArgumentsInsteadOfReturningZero()
    {
        float a = 1, b = 2, result = 42;
        Assert.That(tc_op_dot(&a, &b, -1, &result), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(NativeLibrary.LastError, Does.Contain("tc_op_dot").And.Contain("n must be >= 0, got -1"));
        Assert.That(tc_op_dot(null, &b, 1, &result), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(tc_op_dot(&a, &b, 1, null), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(result, Is.EqualTo(42f), "nothing written on failure");
        Assert.That(tc_op_dot(&a, &b, 1, &result), Is.EqualTo(NativeStatus.Ok));
        Assert.That(result, Is.EqualTo(2f));
        Assert.That(tc_op_dot(&a, &b, 0, &result), Is.EqualTo(NativeStatus.Ok));
        Assert.That(BitConverter.SingleToInt32Bits(result), Is.EqualTo(0), "the empty DOT16 is +0");
    }

    [Test]
    public void ANonZeroReservedFieldInATensorIsRefused()
    {
        using var wb = new NativeBuffer(TestTensors.Encode([1f, 2f], TensorDType.F32));
        TcTensor w = TestTensors.Native(wb, TensorDType.F32, 1, 2) with { Reserved = 7 };
        var e = Assert.Throws<NativeException>(() => NativeOps.MatMul(null, [1f, 1f], 1, w, null, new float[1]))!;
        Assert.That(e.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(e.Message, Does.Contain("w: reserved must be 0, got 7"));
        Assert.That(() => NativeOps.RmsNorm([1f, 1f], 1, 2, w, 1e-5f, new float[2]), Throws.TypeOf<NativeException>().With.Message.Contains("reserved must be 0"));
    }

    [Test]
    public void ANonZeroReservedFieldInTheConfigOrALayerTensorIsRefused()
    {
        using var model = RawModel.Small();
        Assert.DoesNotThrow(() => model.Create().Dispose(), "the unmodified raw model is valid");
        var e = Assert.Throws<NativeException>(() => model.Create(c => c with { Reserved = 1 }))!;
        Assert.That(e.Message, Does.Contain("config reserved must be 0, got 1"));
        e = Assert.Throws<NativeException>(() => model.Create(editLayers: l => l[0].WUp.Reserved = 3))!;
        Assert.That(e.Message, Does.Contain("layer 0 w_up: reserved must be 0, got 3"));
    }

    [LibraryImport("tensorcash_native", EntryPoint = "tc_op_dot")]
    private static partial int tc_op_dot(float* x, float* y, int n, float* output);
}
