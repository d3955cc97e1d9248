using System.Globalization;
using System.IO.Compression;
using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Tests;

/// <summary>
/// Our NFC/NFD/NFKC/NFKD against Unicode's own conformance data (a committed subset of NormalizationTest.txt; set
/// MICROAI_NORMALIZATION_TEST to the full, uncompressed file to run all 19,000 lines).
/// </summary>
public sealed class UnicodeNormalizerTests
{
    [Fact]
    public void Conforms_to_NormalizationTest()
    {
        var full = Environment.GetEnvironmentVariable("MICROAI_NORMALIZATION_TEST");
        var lines = full is { Length: > 0 } ? File.ReadAllLines(full) : ReadSubset();
        var failures = new List<string>();
        var checkedLines = 0;
        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0 || line.StartsWith('@'))
                continue;
            var c = line.Split(';').Take(5).Select(Decode).ToArray();
            checkedLines++;
            Check(failures, c, UnicodeForm.Nfc, [c[1], c[1], c[1], c[3], c[3]]);
            Check(failures, c, UnicodeForm.Nfd, [c[2], c[2], c[2], c[4], c[4]]);
            Check(failures, c, UnicodeForm.Nfkc, [c[3], c[3], c[3], c[3], c[3]]);
            Check(failures, c, UnicodeForm.Nfkd, [c[4], c[4], c[4], c[4], c[4]]);
        }
        Assert.True(checkedLines > 3000, $"only {checkedLines} lines read");
        Assert.True(failures.Count == 0, $"{failures.Count} failures, e.g.:\n{string.Join("\n", failures.Take(20))}");
    }

    [Theory]
    [InlineData("Crème brûlée", "Nfd", "Cre\u0300me bru\u0302le\u0301e")]
    [InlineData("Cre\u0300me", "Nfc", "Crème")]
    [InlineData("ﬁ ① ²", "Nfkc", "fi 1 2")]
    [InlineData("한", "Nfd", "\u1112\u1161\u11AB")]
    [InlineData("\u1112\u1161\u11AB", "Nfc", "한")]
    [InlineData("plain ascii", "Nfkd", "plain ascii")]
    [InlineData("", "Nfc", "")]
    public void Normalizes_examples(string input, string form, string expected) =>
        Assert.Equal(expected, UnicodeNormalizer.Normalize(input, Enum.Parse<UnicodeForm>(form)));

    [Fact]
    public void Ascii_is_returned_without_copying()
    {
        var s = "hello world";
        Assert.Same(s, UnicodeNormalizer.Normalize(s, UnicodeForm.Nfkc));
    }

    private static void Check(List<string> failures, string[] columns, UnicodeForm form, string[] expected)
    {
        for (var i = 0; i < 5; i++)
        {
            var actual = UnicodeNormalizer.Normalize(columns[i], form);
            if (actual != expected[i] && failures.Count < 100)
                failures.Add($"{form}({Hex(columns[i])}) = {Hex(actual)}, expected {Hex(expected[i])}");
        }
    }

    private static string Decode(string hexes)
    {
        var sb = new StringBuilder();
        foreach (var h in hexes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            sb.Append(char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        return sb.ToString();
    }

    private static string Hex(string s)
    {
        var parts = new List<string>();
        foreach (var r in s.EnumerateRunes())
            parts.Add(r.Value.ToString("X4", CultureInfo.InvariantCulture));
        return string.Join(' ', parts);
    }

    private static string[] ReadSubset()
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Fixtures.Root, "unicode", "NormalizationTest-subset.txt.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd().Split('\n');
    }
}
