namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// DeepSeek R1 / V3 / V3.1 special-token sections. R1 and V3 (per their templates) write
/// <code>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;get_weather
/// ```json
/// {"city": "Paris"}
/// ```&lt;｜tool▁call▁end｜&gt;&lt;｜tool▁calls▁end｜&gt;</code>
/// while V3.1 drops the type and the fence: <c>&lt;｜tool▁call▁begin｜&gt;get_weather&lt;｜tool▁sep｜&gt;{"city": "Paris"}&lt;｜tool▁call▁end｜&gt;</c>.
/// R1 distills are known to skip the section-begin token, so a bare call-begin also opens a section.
/// Each call stands alone; missing end tokens at the end of the output are tolerated.
/// </summary>
internal sealed class DeepSeekToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string CallsBegin = "<｜tool▁calls▁begin｜>";
    private const string CallsEnd = "<｜tool▁calls▁end｜>";
    private const string CallBegin = "<｜tool▁call▁begin｜>";
    private const string CallEnd = "<｜tool▁call▁end｜>";
    private const string Sep = "<｜tool▁sep｜>";
    private static readonly string[] Markers = [CallsBegin, CallBegin];

    public ToolCallFormat Format => ToolCallFormat.DeepSeek;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var (reasoning, rest) = ThinkBlock.Split(text);
        var result = new ParseAccumulator(ids, knownToolNames);
        var sectionStart = StreamHold.BeforeMarkers(rest, Markers);
        if (sectionStart >= rest.Length || !IsMarkerAt(rest, sectionStart))
        {
            result.AddContent(rest);
            return result.Build(reasoning);
        }

        result.AddContent(rest.AsSpan(0, sectionStart));
        var pos = rest.AsSpan(sectionStart).StartsWith(CallsBegin, StringComparison.Ordinal)
            ? sectionStart + CallsBegin.Length
            : sectionStart;
        var sectionEnd = rest.IndexOf(CallsEnd, pos, StringComparison.Ordinal);
        var limit = sectionEnd < 0 ? rest.Length : sectionEnd;
        var added = 0;

        while (pos < limit)
        {
            var begin = rest.IndexOf(CallBegin, pos, limit - pos, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }

            result.AddContent(rest.AsSpan(pos, begin - pos).Trim());
            var bodyStart = begin + CallBegin.Length;
            var end = rest.IndexOf(CallEnd, bodyStart, limit - bodyStart, StringComparison.Ordinal);
            var nextBegin = rest.IndexOf(CallBegin, bodyStart, limit - bodyStart, StringComparison.Ordinal);
            int bodyEnd, blockEnd;
            if (end >= 0 && (nextBegin < 0 || end < nextBegin))
            {
                bodyEnd = end;
                blockEnd = end + CallEnd.Length;
            }
            else
            {
                bodyEnd = blockEnd = nextBegin >= 0 ? nextBegin : limit;
            }

            if (result.AddCallOrContent(ReadCall(rest[bodyStart..bodyEnd]), rest[begin..blockEnd]))
            {
                added++;
            }

            pos = blockEnd;
        }

        result.AddContent(rest.AsSpan(pos, limit - pos).Trim());
        if (sectionEnd >= 0)
        {
            result.AddContent(rest.AsSpan(sectionEnd + CallsEnd.Length));
        }

        // When no call in the section was readable, return the text with its markers so nothing is lost.
        var built = result.Build(reasoning);
        return added == 0 ? new ToolCallParseResult(rest.Length == 0 ? null : rest, [], reasoning) : built;
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.BeforeMarkers(textSoFar, Markers);

    private static bool IsMarkerAt(string text, int index) =>
        text.AsSpan(index).StartsWith(CallsBegin, StringComparison.Ordinal)
        || text.AsSpan(index).StartsWith(CallBegin, StringComparison.Ordinal);

    private static ToolCallCandidate? ReadCall(string body)
    {
        var sep = body.IndexOf(Sep, StringComparison.Ordinal);
        if (sep < 0)
        {
            return null;
        }

        var head = body[..sep].Trim();
        var tail = body[(sep + Sep.Length)..];
        string name;
        string json;
        var fence = tail.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            // R1 / V3: the name is the first line after the separator, then a ```json fence.
            var newline = tail.IndexOf('\n', StringComparison.Ordinal);
            if (newline < 0 || newline > fence)
            {
                return null;
            }

            name = tail[..newline].Trim();
            json = GenericJsonToolCallParser.Unfence(tail[(newline + 1)..].Trim());
        }
        else
        {
            // V3.1: the name sits before the separator, and the arguments follow it directly.
            name = head;
            json = tail.Trim();
        }

        return ToolNames.IsValid(name) && ToolCallJson.TryNormaliseArguments(json, out var arguments)
            ? new ToolCallCandidate(name, arguments)
            : null;
    }
}
