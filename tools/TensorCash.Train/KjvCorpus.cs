using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace TensorCash.Train;

/// <summary>
/// The training corpus: the King James Version of the Bible from Debian's bible-kjv-text package (public domain; the
/// package's copyright file: "The copyright for the King James Version text of the Bible is expired"), extracted
/// with the package's own reader, `bible` (package bible-kjv): `bible -f gen1:1-rev22:21` prints one verse per line
/// as "Ge1:1 In the beginning...". We drop the reference, keep the verse text, and make each chapter one document
/// (verses joined by newlines). Every 20th chapter (ordinal % 20 == 10) is held out for evaluation: 5%.
/// </summary>
public static partial class KjvCorpus
{
    public const string Package = "bible-kjv-text 4.38 (Debian 12), read with bible-kjv 4.38";
    public const string ExtractCommand = "bible -f gen1:1-rev22:21";
    public const int HoldOutEvery = 20, HoldOutPhase = 10;

    public sealed record Split(IReadOnlyList<string> Train, IReadOnlyList<string> Eval, string Sha256OfExtract, int Verses);

    public static Split Extract()
    {
        string raw = RunBible();
        var chapters = new List<(string Key, StringBuilder Text)>();
        int verses = 0;
        foreach (var line in raw.Split('\n'))
        {
            if (line.Length == 0) continue;
            var m = VerseLine().Match(line);
            if (!m.Success) throw new InvalidDataException($"unexpected line from `{ExtractCommand}`: {line[..Math.Min(60, line.Length)]}");
            string key = m.Groups["book"].Value + m.Groups["chapter"].Value;
            if (chapters.Count == 0 || chapters[^1].Key != key) chapters.Add((key, new StringBuilder()));
            var sb = chapters[^1].Text;
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(m.Groups["text"].Value.Trim());
            verses++;
        }
        var train = new List<string>();
        var eval = new List<string>();
        for (int i = 0; i < chapters.Count; i++)
            (i % HoldOutEvery == HoldOutPhase ? eval : train).Add(chapters[i].Text.ToString());
        string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
        return new Split(train, eval, sha, verses);
    }

    private static string RunBible()
    {
        var psi = new ProcessStartInfo("bible", ["-f", "gen1:1-rev22:21"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`bible` is not installed: apt-get install bible-kjv bible-kjv-text", e);
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"`{ExtractCommand}` failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    [GeneratedRegex(@"^(?<book>[1-3]?[A-Za-z]+)(?<chapter>\d+):(?<verse>\d+) (?<text>.*)$")]
    private static partial Regex VerseLine();
}
