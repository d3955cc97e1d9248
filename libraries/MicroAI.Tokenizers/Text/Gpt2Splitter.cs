namespace MicroAI.Tokenizers.Text;

/// <summary>
/// GPT-2's pre-tokenization regex, hand-written on code points:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// </summary>
/// <remarks>
/// A scanner rather than <see cref="System.Text.RegularExpressions.Regex"/>: .NET's <c>\p{L}</c> sees UTF-16 code
/// units, so letters outside the BMP (𝐀, CJK extension B) would be classified wrongly; a scanner also allocates
/// nothing and is linear on any input.
/// </remarks>
internal static class Gpt2Splitter
{
    /// <summary>Appends (start, length) of each match; matches cover the whole text in order.</summary>
    public static void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> output)
    {
        var i = 0;
        while (i < text.Length)
        {
            var end = MatchAt(text, i);
            output.Add((i, end - i));
            i = end;
        }
    }

    private enum Kind
    {
        Letter,
        Number,
        Other,
        Space,
    }

    private static Kind Classify(int cp) =>
        CharClasses.IsWhiteSpace(cp) ? Kind.Space
        : CharClasses.IsLetter(cp) ? Kind.Letter
        : CharClasses.IsNumber(cp) ? Kind.Number
        : Kind.Other;

    // Returns the end of the match starting at i (always > i).
    private static int MatchAt(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        // 's 't 're 've 'm 'll 'd
        if (c == '\'' && i + 1 < text.Length)
        {
            var n = text[i + 1];
            if (n is 's' or 't' or 'm' or 'd')
                return i + 2;
            if (i + 2 < text.Length)
            {
                var n2 = text[i + 2];
                if ((n == 'r' && n2 == 'e') || (n == 'v' && n2 == 'e') || (n == 'l' && n2 == 'l'))
                    return i + 3;
            }
        }

        var cp = CharClasses.CodePointAt(text, i, out var len);
        var kind = Classify(cp);
        var start = i;
        // " ?X+": an optional single space before a letter, number or other run.
        if (cp == ' ' && i + 1 < text.Length)
        {
            var nextCp = CharClasses.CodePointAt(text, i + 1, out _);
            var nextKind = Classify(nextCp);
            if (nextKind != Kind.Space)
            {
                kind = nextKind;
                start = i + 1;
            }
        }
        if (kind != Kind.Space)
        {
            var j = start;
            while (j < text.Length)
            {
                var x = CharClasses.CodePointAt(text, j, out var l);
                if (Classify(x) != kind)
                    break;
                j += l;
            }
            return j;
        }

        // Whitespace: "\s+(?!\S)" takes the run but leaves its last character when a non-space follows;
        // if that leaves nothing, "\s+" takes the single character.
        var k = i + len;
        var lastLen = len;
        while (k < text.Length)
        {
            var x = CharClasses.CodePointAt(text, k, out var l);
            if (!CharClasses.IsWhiteSpace(x))
                break;
            lastLen = l;
            k += l;
        }
        if (k == text.Length)
            return k;
        return k - lastLen > i ? k - lastLen : k;
    }
}
