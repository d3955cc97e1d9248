using System.Globalization;
using System.Text;

namespace MicroAI.Tokenizers.Text;

/// <summary>
/// Character classes as Hugging Face's (Rust) tokenizers define them, on code points so that characters outside
/// the BMP (emoji, math letters, CJK extension B) are classified like their Rust <c>char</c> counterparts.
/// </summary>
internal static class CharClasses
{
    /// <summary>Rust <c>char::is_whitespace</c> (the White_Space property); .NET's IsWhiteSpace is the same set.</summary>
    public static bool IsWhiteSpace(int cp) => cp < 0x10000 && char.IsWhiteSpace((char)cp);

    /// <summary>BERT's whitespace: tab, newline, carriage return or White_Space.</summary>
    public static bool IsBertWhitespace(int cp) => IsWhiteSpace(cp);

    /// <summary>BERT's "control": any "Other" category (Cc, Cf, Cn, Co, Cs) except tab, newline, carriage return.</summary>
    public static bool IsBertControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r')
            return false;
        return Category(cp) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>BERT's punctuation: every ASCII symbol/punctuation character, and the Unicode P* categories.</summary>
    public static bool IsBertPunctuation(int cp)
    {
        if (cp < 128)
            return cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        return IsPunctuationCategory(Category(cp));
    }

    /// <summary>The CJK ideograph blocks BERT pads with spaces (kana and hangul are not among them).</summary>
    public static bool IsChineseChar(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>Unicode letter (L*).</summary>
    public static bool IsLetter(int cp) => Category(cp) <= UnicodeCategory.OtherLetter;

    /// <summary>Unicode number (N*).</summary>
    public static bool IsNumber(int cp) => Category(cp) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>Unicode mark (M*).</summary>
    public static bool IsMark(int cp) => Category(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Non-spacing mark (Mn), what BERT's accent stripping removes.</summary>
    public static bool IsNonSpacingMark(int cp) => Category(cp) == UnicodeCategory.NonSpacingMark;

    /// <summary>
    /// A regex <c>\w</c> character (Unicode: alphabetic, marks, decimal digits, connector punctuation, joiners).
    /// Alphabetic is approximated by L*, Nl and the circled letters, which covers Other_Alphabetic's non-mark members
    /// that matter for text.
    /// </summary>
    public static bool IsWordChar(int cp)
    {
        if (cp < 128)
            return cp is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
        if (cp is 0x200C or 0x200D or (>= 0x24B6 and <= 0x24E9))
            return true;
        return Category(cp) switch
        {
            <= UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber => true,
            UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    public static bool IsPunctuationCategory(UnicodeCategory c) =>
        c is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;

    public static UnicodeCategory Category(int cp) =>
        cp < 0x10000 ? CharUnicodeInfo.GetUnicodeCategory((char)cp) : CharUnicodeInfo.GetUnicodeCategory(cp);

    /// <summary>Reads the code point at <paramref name="index"/>; a lone surrogate reads as itself (length 1).</summary>
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int length)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }
        length = 1;
        return c;
    }

    /// <summary>Replaces unpaired surrogates with U+FFFD (what a UTF-8 round trip would do); same instance if none.</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        var span = text.AsSpan();
        var i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
            return text;
        var valid = true;
        for (var j = i; j < span.Length; j++)
        {
            if (!char.IsSurrogate(span[j]))
                continue;
            if (char.IsHighSurrogate(span[j]) && j + 1 < span.Length && char.IsLowSurrogate(span[j + 1]))
            {
                j++;
                continue;
            }
            valid = false;
            break;
        }
        if (valid)
            return text;
        var sb = new StringBuilder(text.Length);
        for (var j = 0; j < span.Length; j++)
        {
            var c = span[j];
            if (!char.IsSurrogate(c))
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && j + 1 < span.Length && char.IsLowSurrogate(span[j + 1]))
            {
                sb.Append(c).Append(span[j + 1]);
                j++;
            }
            else
            {
                sb.Append('\uFFFD');
            }
        }
        return sb.ToString();
    }

    /// <summary>Full lowercase mapping per code point, like Rust's <c>char::to_lowercase</c>.</summary>
    /// <remarks>
    /// .NET's invariant lowering is Unicode's simple mapping; the one unconditional multi-character lowercase
    /// mapping in SpecialCasing.txt, U+0130 → "i̇", is added by hand (the invariant casing leaves U+0130 as is).
    /// </remarks>
    public static string Lowercase(string text)
    {
        var span = text.AsSpan();
        var i = 0;
        // Fast scan: find the first character that changes.
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (c < 128 ? c is >= 'A' and <= 'Z' : NeedsLowering(span, i))
                break;
        }
        if (i == span.Length)
            return text;
        var sb = new StringBuilder(text.Length + 8);
        sb.Append(span[..i]);
        Span<char> buf = stackalloc char[2];
        while (i < span.Length)
        {
            var c = span[i];
            if (c < 128)
            {
                sb.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
                i++;
                continue;
            }
            if (c == '\u0130')
            {
                sb.Append("i\u0307");
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(span[i..], out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                var lower = Rune.ToLowerInvariant(rune);
                sb.Append(buf[..lower.EncodeToUtf16(buf)]);
            }
            else
            {
                sb.Append(c);
                used = 1;
            }
            i += used;
        }
        return sb.ToString();
    }

    private static bool NeedsLowering(ReadOnlySpan<char> span, int i)
    {
        var c = span[i];
        if (c == '\u0130')
            return true;
        if (char.IsSurrogate(c))
            return Rune.DecodeFromUtf16(span[i..], out var rune, out _) == System.Buffers.OperationStatus.Done
                && Rune.ToLowerInvariant(rune) != rune;
        return char.ToLowerInvariant(c) != c;
    }
}
