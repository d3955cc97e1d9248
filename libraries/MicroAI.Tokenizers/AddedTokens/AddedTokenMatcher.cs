using System.Buffers;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.AddedTokens;

/// <summary>A piece of text after added-token matching: either plain text [Start, End) or an added token.</summary>
internal readonly record struct Segment(int Start, int End, AddedToken? Token);

/// <summary>
/// Finds added tokens in text: leftmost match first, longest at that position (a trie walk per position), with
/// <c>single_word</c>, <c>lstrip</c> and <c>rstrip</c> applied as Hugging Face does.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public AddedToken? Token;
    }

    private readonly Node _root = new();
    private readonly SearchValues<char>? _firstChars;

    /// <param name="patterns">Each token with the text to look for (its content, normalized if it matches normalized text).</param>
    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
    {
        var first = new HashSet<char>();
        foreach (var (pattern, token) in patterns)
        {
            if (pattern.Length == 0)
                continue;
            var node = _root;
            foreach (var c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                    node.Children[c] = child = new Node();
                node = child;
            }
            node.Token ??= token;
            first.Add(pattern[0]);
        }
        if (first.Count > 0)
            _firstChars = SearchValues.Create([.. first]);
    }

    public bool IsEmpty => _firstChars is null;

    /// <summary>Splits <paramref name="text"/> into plain segments and added tokens, appended to <paramref name="output"/>.</summary>
    public void Split(string text, List<Segment> output)
    {
        if (_firstChars is null)
        {
            if (text.Length > 0)
                output.Add(new Segment(0, text.Length, null));
            return;
        }
        var span = text.AsSpan();
        var textStart = 0;
        var pos = 0;
        while (pos < span.Length)
        {
            var skip = span[pos..].IndexOfAny(_firstChars);
            if (skip < 0)
                break;
            pos += skip;
            var (token, length) = LongestAt(span, pos);
            if (token is null)
            {
                pos++;
                continue;
            }
            var matchEnd = pos + length;
            if (token.SingleWord && !IsWordBoundary(span, pos, matchEnd))
            {
                pos = matchEnd; // the match is dropped; searching resumes after it
                continue;
            }
            var start = pos;
            if (token.LStrip)
            {
                while (start > textStart && CharClasses.IsWhiteSpace(span[start - 1]))
                    start--;
            }
            if (token.RStrip)
            {
                while (matchEnd < span.Length && CharClasses.IsWhiteSpace(span[matchEnd]))
                    matchEnd++;
            }
            if (start > textStart)
                output.Add(new Segment(textStart, start, null));
            output.Add(new Segment(start, matchEnd, token));
            textStart = pos = matchEnd;
        }
        if (textStart < span.Length)
            output.Add(new Segment(textStart, span.Length, null));
    }

    private (AddedToken? Token, int Length) LongestAt(ReadOnlySpan<char> span, int pos)
    {
        var node = _root;
        AddedToken? best = null;
        var bestLength = 0;
        for (var i = pos; i < span.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(span[i], out var child))
                break;
            node = child;
            if (node.Token is not null)
            {
                best = node.Token;
                bestLength = i - pos + 1;
            }
        }
        return (best, bestLength);
    }

    private static bool IsWordBoundary(ReadOnlySpan<char> span, int start, int end)
    {
        if (start > 0)
        {
            var i = start - 1;
            if (char.IsLowSurrogate(span[i]) && i > 0)
                i--;
            if (CharClasses.IsWordChar(CharClasses.CodePointAt(span, i, out _)))
                return false;
        }
        if (end < span.Length && CharClasses.IsWordChar(CharClasses.CodePointAt(span, end, out _)))
            return false;
        return true;
    }
}
