using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>"Whitespace": the regex <c>\w+|[^\w\s]+</c> — runs of word characters and runs of other non-space characters.</summary>
internal sealed class WhitespacePreTokenizer : IPreTokenizer
{
    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        var span = text.Span;
        var start = -1;
        var startIsWord = false;
        for (var i = 0; i < span.Length;)
        {
            var cp = CharClasses.CodePointAt(span, i, out var len);
            if (CharClasses.IsWhiteSpace(cp))
            {
                if (start >= 0)
                    output.Add(text[start..i]);
                start = -1;
            }
            else
            {
                var isWord = CharClasses.IsWordChar(cp);
                if (start >= 0 && isWord != startIsWord)
                {
                    output.Add(text[start..i]);
                    start = -1;
                }
                if (start < 0)
                {
                    start = i;
                    startIsWord = isWord;
                }
            }
            i += len;
        }
        if (start >= 0)
            output.Add(text[start..]);
    }
}
