using System.Text;
using MicroAI.TextFormats.Text;

namespace MicroAI.TextFormats.Tests.Text;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void No_stops_passes_every_piece_through()
    {
        var matcher = new StopSequenceMatcher([]);

        Assert.Equal("Hello", matcher.Process("Hello"));
        Assert.Equal("\nUser:", matcher.Process("\nUser:"));
        Assert.Equal(string.Empty, matcher.Flush());
        Assert.False(matcher.IsStopped);
    }

    [Fact]
    public void Empty_stop_strings_are_ignored()
    {
        var matcher = new StopSequenceMatcher(["", ""]);

        Assert.Equal("abc", matcher.Process("abc"));
        Assert.False(matcher.IsStopped);
    }

    [Fact]
    public void Stop_within_one_piece_cuts_the_text_before_it()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        Assert.Equal("The ", matcher.Process("The END of it"));
        Assert.True(matcher.IsStopped);
        Assert.Equal(string.Empty, matcher.Process("more"));
        Assert.Equal(string.Empty, matcher.Flush());
    }

    [Fact]
    public void The_stop_that_matched_is_named_the_earliest_when_two_match_across_pieces()
    {
        var matcher = new StopSequenceMatcher(["lazy dog", "fox", "brown"]);

        Assert.Null(matcher.Matched);
        Assert.Equal("The quick ", matcher.Process("The quick bro"));
        Assert.Null(matcher.Matched);
        Assert.Equal(string.Empty, matcher.Process("wn fox"));
        Assert.Equal("brown", matcher.Matched);
    }

    [Fact]
    public void Stop_at_the_very_start_releases_nothing()
    {
        var matcher = new StopSequenceMatcher(["\nUser:"]);

        Assert.Equal(string.Empty, matcher.Process("\nUser: hi"));
        Assert.True(matcher.IsStopped);
    }

    [Theory]
    [InlineData("Hello\nUser: more", "\nUser:", "Hello")]
    [InlineData("abcSTOPdef", "STOP", "abc")]
    [InlineData("日本🙂語STOP", "🙂語", "日本")]
    public void Stop_split_across_two_pieces_at_every_position(string text, string stop, string expected)
    {
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var matcher = new StopSequenceMatcher([stop]);
            var output = matcher.Process(text[..cut]) + matcher.Process(text[cut..]) + matcher.Flush();

            Assert.Equal(expected, output);
            Assert.True(matcher.IsStopped, $"cut at {cut}");
        }
    }

    [Fact]
    public void Stop_fed_one_character_at_a_time()
    {
        const string text = "Sure.\nUser: next";
        var matcher = new StopSequenceMatcher(["\nUser:"]);
        var output = new StringBuilder();
        foreach (var c in text)
            output.Append(matcher.Process(c.ToString()));
        output.Append(matcher.Flush());

        Assert.Equal("Sure.", output.ToString());
        Assert.True(matcher.IsStopped);
    }

    [Fact]
    public void Earliest_of_several_stops_wins()
    {
        Assert.Equal("x", new StopSequenceMatcher(["zzz", "b", "abc"]).Process("xabc zzz"));
        Assert.Equal("xa", new StopSequenceMatcher(["zzz", "c", "bc"]).Process("xabc zzz"));
    }

    [Fact]
    public void Earliest_stop_wins_regardless_of_the_order_they_are_given()
    {
        var a = new StopSequenceMatcher(["late", "early"]);
        var b = new StopSequenceMatcher(["early", "late"]);

        Assert.Equal("1 ", a.Process("1 early 2 late"));
        Assert.Equal("1 ", b.Process("1 early 2 late"));
    }

    [Fact]
    public void Prefix_of_a_stop_is_held_then_released_when_it_diverges()
    {
        var matcher = new StopSequenceMatcher(["\nUser:"]);

        Assert.Equal("Hi", matcher.Process("Hi\nUs"));
        Assert.Equal(string.Empty, matcher.Process("e")); // "\nUse" is still a prefix: held
        Assert.Equal("\nUsed it", matcher.Process("d it"));
        Assert.False(matcher.IsStopped);
    }

    [Fact]
    public void Held_text_is_released_in_order()
    {
        var matcher = new StopSequenceMatcher(["###"]);

        Assert.Equal("a", matcher.Process("a#"));
        Assert.Equal(string.Empty, matcher.Process("#"));
        Assert.Equal("##b", matcher.Process("b"));
        Assert.Equal("c", matcher.Process("c"));
    }

    [Fact]
    public void Longest_possible_prefix_is_held()
    {
        // "aab" could still start at index 1 of "xaa": both "a" and "aa" are prefixes; "aa" must be held.
        var matcher = new StopSequenceMatcher(["aab"]);

        Assert.Equal("x", matcher.Process("xaa"));
        Assert.Equal(string.Empty, matcher.Process("b"));
        Assert.True(matcher.IsStopped);
    }

    [Fact]
    public void Flush_releases_held_text()
    {
        var matcher = new StopSequenceMatcher(["\nUser:"]);

        Assert.Equal("Bye", matcher.Process("Bye\nUser"));
        Assert.Equal("\nUser", matcher.Flush());
        Assert.Equal(string.Empty, matcher.Flush());
        Assert.False(matcher.IsStopped);
    }

    [Fact]
    public void Stop_text_is_never_emitted()
    {
        const string stop = "<|end|>";
        const string text = "one <|end|> two";
        for (var i = 0; i <= text.Length; i++)
        {
            for (var j = i; j <= text.Length; j++)
            {
                var matcher = new StopSequenceMatcher([stop]);
                var pieces = new[] { matcher.Process(text[..i]), matcher.Process(text[i..j]), matcher.Process(text[j..]), matcher.Flush() };
                var output = string.Concat(pieces);

                Assert.Equal("one ", output);
                Assert.DoesNotContain("<", output);
            }
        }
    }

    [Fact]
    public void Duplicate_stops_behave_like_one()
    {
        var matcher = new StopSequenceMatcher(["ab", "ab"]);

        Assert.Equal("x", matcher.Process("xa"));
        Assert.Equal(string.Empty, matcher.Process("b"));
        Assert.True(matcher.IsStopped);
    }

    [Fact]
    public void Random_text_and_splits_release_exactly_the_text_before_the_first_stop()
    {
        const string alphabet = "ab\nU:";
        var random = new Random(20240611);
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var text = RandomString(random, alphabet, random.Next(0, 40));
            var stops = RandomStops(random, alphabet);
            var expectedEnd = stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            var expected = expectedEnd < 0 ? text : text[..expectedEnd];

            var matcher = new StopSequenceMatcher(stops);
            var output = new StringBuilder();
            var at = 0;
            while (at < text.Length)
            {
                var length = random.Next(0, Math.Min(6, text.Length - at) + 1);
                output.Append(matcher.Process(text.Substring(at, length)));
                at += length;
                Assert.StartsWith(output.ToString(), expected, StringComparison.Ordinal);
            }
            output.Append(matcher.Flush());

            var context = $"text={Escape(text)} stops=[{string.Join(", ", stops.Select(Escape))}]";
            Assert.True(expected == output.ToString(), $"{context}: expected {Escape(expected)}, got {Escape(output.ToString())}");
            Assert.True(matcher.IsStopped == expectedEnd >= 0, $"{context}: IsStopped={matcher.IsStopped}");
        }
    }

    private static string RandomString(Random random, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    /// <summary>1–3 stops none of which contains another, so "the first stop" does not depend on the splits.</summary>
    private static string[] RandomStops(Random random, string alphabet)
    {
        var stops = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomString(random, alphabet, random.Next(1, 5))).Distinct().ToList();
        return [.. stops.Where(s => !stops.Exists(o => o != s && s.Contains(o, StringComparison.Ordinal)))];
    }

    private static string Escape(string s) => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
