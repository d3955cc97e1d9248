using System.Text;
using MicroAI.TextFormats.Text;

namespace MicroAI.TextFormats.Tests.Text;

public sealed class Utf8AssemblerTests
{
    private const char Replacement = '\uFFFD';

    public static TheoryData<string> MultiByteTexts => new()
    {
        "é",
        "日",
        "🙂",
        "aé日🙂b",
        "naïve 日本語 🙂👍🏽 ok",
    };

    [Theory]
    [MemberData(nameof(MultiByteTexts))]
    public void Two_pieces_split_at_every_byte_give_the_exact_text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var assembler = new Utf8Assembler();
            var first = assembler.Append(bytes.AsSpan(0, cut));
            var second = assembler.Append(bytes.AsSpan(cut));
            var tail = assembler.Flush();

            AssertWholeCharacters(first);
            AssertWholeCharacters(second);
            Assert.Equal(string.Empty, tail);
            Assert.Equal(text, first + second);
        }
    }

    [Theory]
    [MemberData(nameof(MultiByteTexts))]
    public void Three_pieces_split_at_every_pair_of_bytes_give_the_exact_text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i <= bytes.Length; i++)
        {
            for (var j = i; j <= bytes.Length; j++)
            {
                var assembler = new Utf8Assembler();
                var parts = new[]
                {
                    assembler.Append(bytes.AsSpan(0, i)),
                    assembler.Append(bytes.AsSpan(i, j - i)),
                    assembler.Append(bytes.AsSpan(j)),
                    assembler.Flush(),
                };
                Assert.All(parts, AssertWholeCharacters);
                Assert.Equal(text, string.Concat(parts));
            }
        }
    }

    [Theory]
    [MemberData(nameof(MultiByteTexts))]
    public void Byte_by_byte_releases_each_character_once_it_is_complete(string text)
    {
        var assembler = new Utf8Assembler();
        var output = new StringBuilder();
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            var piece = assembler.Append([b]);
            AssertWholeCharacters(piece);
            output.Append(piece);
            // Whatever was released is a prefix of the text: nothing out of order, nothing invented.
            Assert.StartsWith(output.ToString(), text, StringComparison.Ordinal);
        }
        Assert.Equal(text, output.ToString());
    }

    [Fact]
    public void Incomplete_character_is_held_until_its_last_byte()
    {
        var assembler = new Utf8Assembler();
        byte[] smiley = [0xF0, 0x9F, 0x99, 0x82];

        Assert.Equal("a", assembler.Append([(byte)'a', smiley[0]]));
        Assert.Equal(string.Empty, assembler.Append(smiley.AsSpan(1, 2)));
        Assert.Equal("🙂b", assembler.Append([smiley[3], (byte)'b']));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, "a\uFFFDb")]
    [InlineData(new byte[] { 0x80 }, "\uFFFD")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")] // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")] // encoded surrogate
    [InlineData(new byte[] { 0xE6, 0x97, 0x41 }, "\uFFFDA")] // truncated 日 followed by ASCII
    public void Invalid_bytes_become_replacement_characters(byte[] bytes, string expected)
    {
        var assembler = new Utf8Assembler();
        Assert.Equal(expected, assembler.Append(bytes) + assembler.Flush());
    }

    [Fact]
    public void Invalid_sequence_split_across_pieces_becomes_one_replacement_character()
    {
        var assembler = new Utf8Assembler();
        var first = assembler.Append([0xE6, 0x97]); // first two bytes of 日
        var second = assembler.Append("A"u8);

        Assert.Equal(string.Empty, first);
        Assert.Equal("\uFFFDA", second);
    }

    [Fact]
    public void Flush_turns_an_incomplete_tail_into_a_replacement_character()
    {
        var assembler = new Utf8Assembler();

        Assert.Equal("a", assembler.Append([0x61, 0xF0, 0x9F]));
        Assert.Equal(Replacement.ToString(), assembler.Flush());
        // The assembler starts clean afterwards.
        Assert.Equal(string.Empty, assembler.Flush());
        Assert.Equal("é", assembler.Append([0xC3, 0xA9]));
    }

    [Fact]
    public void Flush_with_nothing_pending_returns_empty()
    {
        var assembler = new Utf8Assembler();
        Assert.Equal("ok", assembler.Append("ok"u8));
        Assert.Equal(string.Empty, assembler.Flush());
    }

    [Fact]
    public void Reset_drops_pending_bytes()
    {
        var assembler = new Utf8Assembler();
        Assert.Equal(string.Empty, assembler.Append([0xE6, 0x97]));
        assembler.Reset();
        Assert.Equal("x", assembler.Append("x"u8));
        Assert.Equal(string.Empty, assembler.Flush());
    }

    [Fact]
    public void Long_input_grows_the_buffer()
    {
        var text = string.Concat(Enumerable.Repeat("日本🙂", 500));
        var bytes = Encoding.UTF8.GetBytes(text);
        var assembler = new Utf8Assembler();

        var output = assembler.Append(bytes.AsSpan(0, bytes.Length - 1)) + assembler.Append(bytes.AsSpan(bytes.Length - 1));

        Assert.Equal(text, output);
    }

    private static void AssertWholeCharacters(string piece)
    {
        Assert.DoesNotContain(Replacement, piece);
        for (var i = 0; i < piece.Length; i++)
        {
            if (char.IsHighSurrogate(piece[i]))
            {
                Assert.True(i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]), $"Half a surrogate pair released in \"{piece}\"");
                i++;
            }
            else
            {
                Assert.False(char.IsLowSurrogate(piece[i]), $"A lone low surrogate released in \"{piece}\"");
            }
        }
    }
}
