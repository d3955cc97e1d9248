using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>
/// Pre-tokenizers whose delimiters are single characters of a class: "Punctuation" (BERT punctuation),
/// "Digits" (Unicode numbers; contiguous unless individual_digits) and "CharDelimiterSplit" (one character, removed).
/// </summary>
internal sealed class CharMatchPreTokenizer : IPreTokenizer
{
    private readonly Func<int, bool> _isDelimiter;
    private readonly SplitBehavior _behavior;

    public CharMatchPreTokenizer(Func<int, bool> isDelimiter, SplitBehavior behavior)
    {
        _isDelimiter = isDelimiter;
        _behavior = behavior;
    }

    public static CharMatchPreTokenizer Punctuation(SplitBehavior behavior) => new(CharClasses.IsBertPunctuation, behavior);

    public static CharMatchPreTokenizer Digits(bool individualDigits) =>
        new(CharClasses.IsNumber, individualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous);

    public static CharMatchPreTokenizer CharDelimiter(int delimiter) => new(cp => cp == delimiter, SplitBehavior.Removed);

    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        var matches = new List<(int, int)>();
        var span = text.Span;
        for (var i = 0; i < span.Length;)
        {
            var cp = CharClasses.CodePointAt(span, i, out var len);
            if (_isDelimiter(cp))
                matches.Add((i, i + len));
            i += len;
        }
        if (matches.Count == 0)
        {
            if (!text.IsEmpty)
                output.Add(text);
            return;
        }
        SplitHelper.Apply(text, matches, _behavior, invert: false, output);
    }
}
