using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Engine.Builtin;

namespace TensorCash.Tests.CrossCheck;

/// <summary>Rebuilds a fixture's GGUF through the code path `tensorcash model random` uses.</summary>
public static class GeneratedModels
{
    /// <summary>Writes the fixture's model as GGUF into <paramref name="scratch"/> and proves it is the file llama.cpp evaluated.</summary>
    public static string Gguf(LlamaCppFixture fixture, ScratchDirectory scratch)
    {
        string path = scratch.File(fixture.Name + ".gguf");
        RandomModelFiles.Write(fixture.Spec, fixture.DType, path);
        Assert.That(Sha256(path), Is.EqualTo(fixture.GgufSha256),
            $"{fixture.Name}: the generator no longer writes the GGUF llama.cpp evaluated; if that is intended, re-run bench/llamacpp/make-fixtures.sh (docs/testing.md)");
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
