namespace MicroAI.TextFormats.Text;

/// <summary>
/// Finds stop strings in generated text that arrives in arbitrary pieces. Text that could still
/// become a stop string is held back until it is known not to; the stop string itself is never
/// released. With no stop strings every piece passes straight through.
/// </summary>
public sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private string _pending = string.Empty;

    public StopSequenceMatcher(IEnumerable<string> stops)
    {
        _stops = stops.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    public bool IsStopped { get; private set; }

    /// <summary>The stop string that matched (null until one has); Anthropic's answer names it.</summary>
    public string? Matched { get; private set; }

    /// <summary>Adds generated text; returns what can be released now.</summary>
    public string Process(string piece)
    {
        if (IsStopped)
            return string.Empty;
        if (_stops.Length == 0)
            return piece;

        var text = _pending.Length == 0 ? piece : string.Concat(_pending, piece);

        // Earliest match of any stop string wins.
        var cut = -1;
        string? matched = null;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
                (cut, matched) = (at, stop);
        }
        if (cut >= 0)
        {
            IsStopped = true;
            Matched = matched;
            _pending = string.Empty;
            return text[..cut];
        }

        // Hold back the longest suffix that is a proper prefix of some stop string.
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var len = Math.Min(stop.Length - 1, text.Length); len > hold; len--)
            {
                if (text.AsSpan(text.Length - len).SequenceEqual(stop.AsSpan(0, len)))
                {
                    hold = len;
                    break;
                }
            }
        }
        _pending = hold == 0 ? string.Empty : text[^hold..];
        return hold == 0 ? text : text[..^hold];
    }

    /// <summary>Releases held-back text at the end of a sequence that did not stop on a string.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = string.Empty;
        return IsStopped ? string.Empty : rest;
    }
}
