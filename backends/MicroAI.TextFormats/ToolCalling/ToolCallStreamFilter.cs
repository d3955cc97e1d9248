using System.Text;

namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Sits between the token stream and a streaming client. <see cref="Push"/> returns the part of the text that is
/// certainly content and holds back everything from the first tool-call opening marker (or a fragment that may
/// grow into one), so the client never sees raw call markup. <see cref="Complete"/> parses what was held back.
/// Not thread-safe: one filter per generation.
/// </summary>
public sealed class ToolCallStreamFilter(IToolCallParser parser, IReadOnlyCollection<string> knownToolNames)
{
    private const int LatchLength = 256;

    private readonly StringBuilder _text = new();
    private int _emitted;
    private bool _completed;

    /// <summary>Adds a generated piece; returns the newly releasable content (often empty).</summary>
    public string Push(string piece)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _text.Append(piece);

        // Holding back is always safe (Complete parses whatever is held), so once a long tail is held - which with
        // markers at most a few dozen characters long only happens after a call has started - stop re-scanning.
        // That keeps the cost of a long call linear; before that the parser rescans the text on each piece, with
        // vectorised IndexOf searches that stay cheap at generation sizes.
        if (_text.Length - _emitted > LatchLength)
        {
            return "";
        }

        var text = _text.ToString();
        var safe = Math.Clamp(parser.SafePrefixLength(text), _emitted, text.Length);
        var released = text[_emitted..safe];
        _emitted = safe;
        return released;
    }

    /// <summary>
    /// Ends the stream and parses the held-back text. The result's <see cref="ToolCallParseResult.Content"/> is only
    /// the content not yet returned by <see cref="Push"/> (e.g. text of a malformed call, or content after the calls);
    /// the client should send it before the calls.
    /// </summary>
    public ToolCallParseResult Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        var held = _text.ToString(_emitted, _text.Length - _emitted);
        return parser.Parse(held, knownToolNames);
    }

    /// <summary>
    /// Ends the stream without reading calls: everything held back is returned as content. For a
    /// generation cut short (max_tokens), whose held-back markup is at best an unfinished call.
    /// </summary>
    public string CompleteAsText()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        return _text.ToString(_emitted, _text.Length - _emitted);
    }
}
