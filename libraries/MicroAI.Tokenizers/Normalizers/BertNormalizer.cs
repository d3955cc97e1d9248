using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>
/// BERT's normalizer, in Hugging Face's order: clean text (drop NUL, U+FFFD and control/format/unassigned
/// characters, turn whitespace into spaces), pad CJK ideographs with spaces, strip accents (NFD, then drop
/// non-spacing marks), lowercase.
/// </summary>
internal sealed class BertNormalizer : INormalizer
{
    private readonly bool _cleanText;
    private readonly bool _handleChineseChars;
    private readonly bool _stripAccents;
    private readonly bool _lowercase;

    /// <param name="stripAccents">null means "follow <paramref name="lowercase"/>", as in Hugging Face.</param>
    public BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase)
    {
        _cleanText = cleanText;
        _handleChineseChars = handleChineseChars;
        _stripAccents = stripAccents ?? lowercase;
        _lowercase = lowercase;
    }

    public string Normalize(string text)
    {
        if (_cleanText || _handleChineseChars)
            text = CleanAndPad(text);
        if (_stripAccents)
            text = StripAccents(text);
        if (_lowercase)
            text = CharClasses.Lowercase(text);
        return text;
    }

    /// <summary>NFD, then remove every non-spacing mark (Mn).</summary>
    internal static string StripAccents(string text)
    {
        var nfd = UnicodeNormalizer.Normalize(text, UnicodeForm.Nfd);
        if (ReferenceEquals(nfd, text) && text.AsSpan().IndexOfAnyExceptInRange('\0', '\u02FF') < 0)
            return text; // nothing decomposed and no combining marks can be present below U+0300
        return RemoveWhere(nfd, CharClasses.IsNonSpacingMark);
    }

    internal static string RemoveWhere(string text, Func<int, bool> remove)
    {
        StringBuilder? sb = null;
        var span = text.AsSpan();
        for (var i = 0; i < span.Length;)
        {
            var cp = CharClasses.CodePointAt(span, i, out var len);
            if (remove(cp))
                sb ??= new StringBuilder(text.Length).Append(span[..i]);
            else
                sb?.Append(span.Slice(i, len));
            i += len;
        }
        return sb?.ToString() ?? text;
    }

    // One pass for clean_text and handle_chinese_chars; the builder is only created at the first change.
    private string CleanAndPad(string text)
    {
        StringBuilder? sb = null;
        var span = text.AsSpan();
        for (var i = 0; i < span.Length;)
        {
            var cp = CharClasses.CodePointAt(span, i, out var len);
            if (cp is >= 0x20 and < 0x7F)
            {
                // Printable ASCII: never removed, never whitespace other than ' ', never CJK.
                sb?.Append((char)cp);
                i += len;
                continue;
            }
            if (_cleanText && (cp == 0 || cp == 0xFFFD || CharClasses.IsBertControl(cp)))
            {
                sb ??= new StringBuilder(text.Length).Append(span[..i]);
            }
            else if (_cleanText && CharClasses.IsBertWhitespace(cp))
            {
                if (cp != ' ')
                    sb ??= new StringBuilder(text.Length).Append(span[..i]);
                sb?.Append(' ');
            }
            else if (_handleChineseChars && CharClasses.IsChineseChar(cp))
            {
                sb ??= new StringBuilder(text.Length + 16).Append(span[..i]);
                sb.Append(' ').Append(span.Slice(i, len)).Append(' ');
            }
            else
            {
                sb?.Append(span.Slice(i, len));
            }
            i += len;
        }
        return sb?.ToString() ?? text;
    }
}
