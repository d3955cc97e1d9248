using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"Strip": removes leading and/or trailing whitespace.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text)
    {
        var span = text.AsSpan();
        var start = 0;
        var end = span.Length;
        if (left)
        {
            while (start < end && CharClasses.IsWhiteSpace(span[start]))
                start++;
        }
        if (right)
        {
            while (end > start && CharClasses.IsWhiteSpace(span[end - 1]))
                end--;
        }
        return start == 0 && end == span.Length ? text : text[start..end];
    }
}
