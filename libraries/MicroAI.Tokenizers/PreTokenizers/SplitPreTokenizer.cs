using System.Text.RegularExpressions;

namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>"Split": splits on a literal string or a regex, with a <see cref="SplitBehavior"/> and optional inversion.</summary>
/// <remarks>
/// Regexes run on .NET's engine, which matches Oniguruma for the patterns tokenizers use (GPT-4/Llama-3 style), with
/// one difference: <c>\p{…}</c> classes see UTF-16 code units, so a letter outside the BMP is not <c>\p{L}</c> here.
/// </remarks>
internal sealed class SplitPreTokenizer : IPreTokenizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly SplitBehavior _behavior;
    private readonly bool _invert;

    public SplitPreTokenizer(string? literal, Regex? regex, SplitBehavior behavior, bool invert)
    {
        _literal = literal;
        _regex = regex;
        _behavior = behavior;
        _invert = invert;
    }

    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        if (text.IsEmpty)
            return;
        var matches = new List<(int, int)>();
        if (_literal is not null)
        {
            if (_literal.Length > 0)
            {
                var span = text.Span;
                var at = 0;
                int found;
                while ((found = span[at..].IndexOf(_literal, StringComparison.Ordinal)) >= 0)
                {
                    matches.Add((at + found, at + found + _literal.Length));
                    at += found + _literal.Length;
                }
            }
        }
        else
        {
            foreach (var m in _regex!.EnumerateMatches(text.Span))
            {
                if (m.Length > 0)
                    matches.Add((m.Index, m.Index + m.Length));
            }
        }
        SplitHelper.Apply(text, matches, _behavior, _invert, output);
    }
}
