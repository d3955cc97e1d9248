namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>When Metaspace adds its replacement character in front of a section.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary>
/// "Metaspace" (SentencePiece style): spaces become the replacement character (default '▁'), one is prepended
/// per <see cref="PrependScheme"/>, and with <c>split</c> each piece starts at a replacement character.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme prependScheme, bool split) : IPreTokenizer
{
    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        if (text.IsEmpty)
            return;
        var span = text.Span;
        // Spaces are replaced first, so text starting with a space already starts with the replacement.
        var prepend = span[0] != replacement && span[0] != ' '
            && (prependScheme == PrependScheme.Always || (prependScheme == PrependScheme.First && isFirstSection));
        var chars = new char[span.Length + (prepend ? 1 : 0)];
        var at = 0;
        if (prepend)
            chars[at++] = replacement;
        foreach (var c in span)
            chars[at++] = c == ' ' ? replacement : c;
        var rewritten = chars.AsMemory();
        if (!split)
        {
            output.Add(rewritten);
            return;
        }
        // MergedWithNext on the replacement character: each replacement starts a new piece (a run "▁▁x" gives
        // "▁" and "▁x", as Hugging Face's merge rule does).
        var start = 0;
        for (var i = 1; i < chars.Length; i++)
        {
            if (chars[i] == replacement)
            {
                output.Add(rewritten[start..i]);
                start = i;
            }
        }
        output.Add(rewritten[start..]);
    }
}
