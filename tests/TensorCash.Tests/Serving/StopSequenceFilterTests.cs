using NUnit.Framework;
using FsCheck;
using FsCheck.Fluent;
using TensorCash.Serving;

namespace TensorCash.Tests.Serving;

public sealed class StopSequenceFilterTests
{
    /// <summary>However the text is cut into pieces, the output is the text before the stop string completed first.</summary>
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
            // The occurrence that completes first (smallest end, then smallest start) ends the text.
            var found = c.Stops.Select(s => (At: c.Text.IndexOf(s, StringComparison.Ordinal), Length: s.Length)).Where(f => f.At >= 0)
                .OrderBy(f => f.At + f.Length).ThenBy(f => f.At).ToList();
            int first = found.Count > 0 ? found[0].At : -1;
            string expected = first >= 0 ? c.Text[..first] : c.Text;
            return output.ToString() == expected && filter.Stopped == (first >= 0);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    /// <summary>Found by the property above: "a" completes before "baa" does, so the text is "b", in any split.</summary>
    [TestCase("b", "a", "a")]
    [TestCase("baa", "", "")]
    public void The_stop_string_completed_first_wins(string first, string second, string third)
    {
        var filter = new StopSequenceFilter(["a", "baa"]);
        string output = filter.Push(first) + filter.Push(second) + filter.Push(third) + filter.Flush("");
        Assert.That(output, Is.EqualTo("b"));
        Assert.That(filter.Stopped, Is.True);
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
