using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>"WhitespaceSplit": splits on whitespace only.</summary>
internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        var span = text.Span;
        var start = -1;
        for (var i = 0; i < span.Length; i++)
        {
            if (CharClasses.IsWhiteSpace(span[i]))
            {
                if (start >= 0)
                    output.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0)
            output.Add(text[start..]);
    }
}
