namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>
/// Turns delimiter matches into pieces according to a <see cref="SplitBehavior"/>. Matches must be sorted and
/// non-overlapping. The merge rules follow Hugging Face's documented behaviour: a delimiter merges with the
/// neighbouring non-delimiter piece only, so "a--b" split on "-" MergedWithPrevious gives "a-", "-", "b".
/// </summary>
internal static class SplitHelper
{
    public static void Apply(ReadOnlyMemory<char> text, List<(int Start, int End)> matches, SplitBehavior behavior, bool invert, List<ReadOnlyMemory<char>> output)
    {
        // Pieces covering the text: (start, end, isDelimiter); empty gaps are skipped.
        var pieces = new List<(int Start, int End, bool Delimiter)>(matches.Count * 2 + 1);
        var at = 0;
        foreach (var (s, e) in matches)
        {
            if (s > at)
                pieces.Add((at, s, invert));
            if (e > s)
                pieces.Add((s, e, !invert));
            at = e;
        }
        if (at < text.Length)
            pieces.Add((at, text.Length, invert));

        switch (behavior)
        {
            case SplitBehavior.Removed:
                foreach (var p in pieces)
                {
                    if (!p.Delimiter)
                        output.Add(text[p.Start..p.End]);
                }
                break;
            case SplitBehavior.Isolated:
                foreach (var p in pieces)
                    output.Add(text[p.Start..p.End]);
                break;
            case SplitBehavior.MergedWithPrevious:
            {
                var first = output.Count;
                var previousDelimiter = false;
                var lastStart = -1;
                foreach (var p in pieces)
                {
                    if (p.Delimiter && !previousDelimiter && output.Count > first)
                        output[^1] = text[lastStart..p.End];
                    else
                    {
                        output.Add(text[p.Start..p.End]);
                        lastStart = p.Start;
                    }
                    previousDelimiter = p.Delimiter;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                // Mirror image of MergedWithPrevious: walk backwards, then restore the order.
                var first = output.Count;
                var nextDelimiter = false;
                var lastEnd = -1;
                for (var i = pieces.Count - 1; i >= 0; i--)
                {
                    var p = pieces[i];
                    if (p.Delimiter && !nextDelimiter && output.Count > first)
                        output[^1] = text[p.Start..lastEnd];
                    else
                    {
                        output.Add(text[p.Start..p.End]);
                        lastEnd = p.End;
                    }
                    nextDelimiter = p.Delimiter;
                }
                output.Reverse(first, output.Count - first);
                break;
            }
            case SplitBehavior.Contiguous:
            {
                var first = output.Count;
                var previousDelimiter = false;
                var lastStart = -1;
                foreach (var p in pieces)
                {
                    if (p.Delimiter && previousDelimiter && output.Count > first)
                        output[^1] = text[lastStart..p.End];
                    else
                    {
                        output.Add(text[p.Start..p.End]);
                        lastStart = p.Start;
                    }
                    previousDelimiter = p.Delimiter;
                }
                break;
            }
        }
    }

    public static SplitBehavior Parse(string? value) => value?.ToLowerInvariant() switch
    {
        "removed" => SplitBehavior.Removed,
        "isolated" => SplitBehavior.Isolated,
        "merged_with_previous" or "mergedwithprevious" => SplitBehavior.MergedWithPrevious,
        "merged_with_next" or "mergedwithnext" => SplitBehavior.MergedWithNext,
        "contiguous" => SplitBehavior.Contiguous,
        _ => throw new FormatException($"unknown split behavior '{value}'"),
    };
}
