using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>"BertPreTokenizer": splits on whitespace (dropped) and punctuation (each character its own piece).</summary>
internal sealed class BertPreTokenizer : IPreTokenizer
{
    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        var span = text.Span;
        var wordStart = -1;
        for (var i = 0; i < span.Length;)
        {
            var cp = CharClasses.CodePointAt(span, i, out var len);
            if (CharClasses.IsWhiteSpace(cp))
            {
                Flush(text, ref wordStart, i, output);
            }
            else if (CharClasses.IsBertPunctuation(cp))
            {
                Flush(text, ref wordStart, i, output);
                output.Add(text.Slice(i, len));
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }
            i += len;
        }
        Flush(text, ref wordStart, span.Length, output);
    }

    private static void Flush(ReadOnlyMemory<char> text, ref int wordStart, int end, List<ReadOnlyMemory<char>> output)
    {
        if (wordStart >= 0)
            output.Add(text[wordStart..end]);
        wordStart = -1;
    }
}
