using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Runtime;
using TensorCash.Proving.Replay;

namespace TensorCash.Tests.Proving;

/// <summary>The replay's forward calls: every row fed once, in order; every checked row gets logits; the LM head is spared elsewhere.</summary>
public class ReplayPlanTests
{
    private static string? Problem(int contextLength, int[] wanted, int chunkSize, List<ReplayCall> calls)
    {
        int pos = 0;
        foreach (var call in calls)
        {
            if (call.Start != pos) return $"call {call} does not start at {pos}";
            if (call.Length < 1 || call.Length > chunkSize) return $"call {call} has {call.Length} rows, chunk size {chunkSize}";
            var inside = wanted.Where(r => r >= call.Start && r < call.End).ToArray();
            if (call.Mode == LogitsMode.None && inside.Length > 0) return $"call {call} holds wanted rows without logits";
            if (call.Mode == LogitsMode.Last && !inside.SequenceEqual([call.End - 1])) return $"Last call {call} must hold exactly its last row";
            if (call.Mode == LogitsMode.All && inside.Length == 0) return $"call {call} computes logits nobody needs";
            pos = call.End;
        }
        return pos == contextLength ? null : $"calls end at {pos}, context has {contextLength} rows";
    }

    [Test]
    public void EveryRowIsFedOnceAndEveryWantedRowGetsLogits()
    {
        var cases = Gen.Choose(1, 300).SelectMany(length =>
            Gen.Choose(0, length - 2).ArrayOf().SelectMany(rows =>
                Gen.Choose(1, 80).Select(chunk => (length, wanted: rows.Append(length - 1).Distinct().Order().ToArray(), chunk))));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var calls = ReplayPlan.Build(c.length, c.wanted, c.chunk);
            string? problem = Problem(c.length, c.wanted, c.chunk, calls);
            return problem is null ? true.Label("ok") : false.Label(problem);
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void AWholeWindowAfterAShortPromptIsOneCall()
    {
        // 8-token prompt, every one of 64 steps checked: rows 7..70. Feeding the 7 prompt rows in their own call would
        // stream the weights once more; their 7 extra LM-head rows are cheaper.
        var calls = ReplayPlan.Build(71, Enumerable.Range(7, 64).ToArray(), 256);
        Assert.That(calls, Is.EqualTo(new[] { new ReplayCall(0, 71, LogitsMode.All) }));
    }

    [Test]
    public void ALoneCheckedRowGetsTheLastRowOnlyAndItsLeadInRidesAlong()
    {
        var calls = ReplayPlan.Build(501, [500], 256);
        Assert.That(calls, Is.EqualTo(new[] { new ReplayCall(0, 245, LogitsMode.None), new ReplayCall(245, 501, LogitsMode.Last) }));
    }

    [Test]
    public void DistantGroupsGetTheirOwnCallsAndLongLeadInsNoLogits()
    {
        // Rows 100..103 (a group) and 300 (alone): the group's lead-in has no logits, the lone row is a Last call.
        var calls = ReplayPlan.Build(301, [100, 101, 103, 300], 256);
        Assert.That(calls, Is.EqualTo(new[]
        {
            new ReplayCall(0, 100, LogitsMode.None), new ReplayCall(100, 104, LogitsMode.All), new ReplayCall(104, 301, LogitsMode.Last),
        }));
    }

    [Test]
    public void TheContextMustEndAtTheLastWantedRow()
    {
        Assert.Throws<ArgumentException>(() => ReplayPlan.Build(10, [3], 4));
        Assert.Throws<ArgumentException>(() => ReplayPlan.Build(10, [], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplayPlan.Build(10, [9], 0));
    }
}
