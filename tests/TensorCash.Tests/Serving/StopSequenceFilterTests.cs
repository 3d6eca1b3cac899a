using NUnit.Framework;
using FsCheck;
using FsCheck.Fluent;
using TensorCash.Serving;

namespace TensorCash.Tests.Serving;

public sealed class StopSequenceFilterTests
{
    /// <summary>However the text is cut into pieces, the output is the text before the first stop string.</summary>
    [Test]
    public void Output_is_the_text_before_the_first_stop_string_for_any_split()
    {
        var alphabet = Gen.Elements('a', 'b', 'c');
        var text = alphabet.ArrayOf().Select(c => new string(c));
        var stop = Gen.Choose(1, 3).SelectMany(n => alphabet.ArrayOf(n)).Select(c => new string(c));
        var stops = Gen.Choose(0, 2).SelectMany(n => stop.ArrayOf(n));
        var cuts = Gen.Choose(1, 4).ArrayOf(); // piece lengths, used in turn
        var cases = text.SelectMany(t => stops.SelectMany(s => cuts.Select(c => (Text: t, Stops: s, Cuts: c))));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var filter = new StopSequenceFilter(c.Stops);
            var output = new System.Text.StringBuilder();
            int at = 0, cut = 0;
            while (at < c.Text.Length)
            {
                int n = Math.Min(c.Text.Length - at, c.Cuts.Length == 0 ? 1 : c.Cuts[cut++ % c.Cuts.Length]);
                output.Append(filter.Push(c.Text.Substring(at, n)));
                at += n;
            }
            output.Append(filter.Flush(""));
            int first = c.Stops.Select(s => c.Text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            string expected = first >= 0 ? c.Text[..first] : c.Text;
            return output.ToString() == expected && filter.Stopped == (first >= 0);
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void A_possible_stop_prefix_is_held_back_until_decided()
    {
        var filter = new StopSequenceFilter(["END"]);
        Assert.That(filter.Push("hello E"), Is.EqualTo("hello "));
        Assert.That(filter.Push("N"), Is.EqualTo(""));
        Assert.That(filter.Push("x"), Is.EqualTo("ENx"));
        Assert.That(filter.Push("..EN"), Is.EqualTo(".."));
        Assert.That(filter.Push("D and more"), Is.EqualTo(""));
        Assert.That(filter.Stopped, Is.True);
        Assert.That(filter.Flush("ignored"), Is.EqualTo(""));
    }
}
