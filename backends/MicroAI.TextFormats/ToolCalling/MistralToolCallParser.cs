namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Mistral. Older models (Nemo, Small 2409) emit one JSON list after the marker:
/// <code>[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1b2c3d4e"}]</code>
/// Newer ones (Small 3.2, Devstral, Ministral 3) emit one marker per call, optionally with an id:
/// <code>[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}</code>
/// <code>[TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{"city": "Paris"}</code>
/// An id the model wrote is kept: Mistral templates insist on their own 9-character ids when the call is
/// replayed in the next request, so replacing it would break the conversation.
/// </summary>
internal sealed class MistralToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string Marker = "[TOOL_CALLS]";
    private const string ArgsMarker = "[ARGS]";
    private const string CallIdMarker = "[CALL_ID]";
    private static readonly string[] Markers = [Marker];

    public ToolCallFormat Format => ToolCallFormat.Mistral;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var result = new ParseAccumulator(ids, knownToolNames);
        var pos = 0;
        while (pos < text.Length)
        {
            var marker = text.IndexOf(Marker, pos, StringComparison.Ordinal);
            if (marker < 0)
            {
                break;
            }

            result.AddContent(text.AsSpan(pos, marker - pos));
            var bodyStart = marker + Marker.Length;
            var next = text.IndexOf(Marker, bodyStart, StringComparison.Ordinal);
            var blockEnd = next < 0 ? text.Length : next;

            var jsonStart = JsonScanner.SkipWhitespace(text, bodyStart);
            var isList = jsonStart < blockEnd && text[jsonStart] is '[' or '{';
            var (candidates, consumed) = isList
                ? ReadList(text, jsonStart, blockEnd)
                : ReadNamed(text, bodyStart, blockEnd);

            if (candidates is null)
            {
                // Unreadable: keep the whole block, marker included, as text.
                result.AddContent(text.AsSpan(marker, blockEnd - marker));
                pos = blockEnd;
                continue;
            }

            result.AddCallsOrContent(candidates, text[marker..consumed]);
            pos = consumed;
        }

        if (pos < text.Length)
        {
            result.AddContent(text.AsSpan(pos));
        }

        return result.Build();
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.BeforeMarkers(textSoFar, Markers);

    private static (List<ToolCallCandidate>? Calls, int End) ReadList(string text, int start, int limit)
    {
        var end = JsonScanner.FindEnd(text, start);
        if (end < 0 || end > limit || !ToolCallJson.TryReadCalls(text[start..end], out var calls))
        {
            return (null, 0);
        }

        return (calls, end);
    }

    private static (List<ToolCallCandidate>? Calls, int End) ReadNamed(string text, int start, int limit)
    {
        var args = text.IndexOf(ArgsMarker, start, limit - start, StringComparison.Ordinal);
        if (args < 0)
        {
            return (null, 0);
        }

        var head = text[start..args];
        string? id = null;
        var callId = head.IndexOf(CallIdMarker, StringComparison.Ordinal);
        if (callId >= 0)
        {
            id = head[(callId + CallIdMarker.Length)..].Trim();
            head = head[..callId];
        }

        var name = head.Trim();
        var jsonStart = JsonScanner.SkipWhitespace(text, args + ArgsMarker.Length);
        var end = JsonScanner.FindEnd(text, jsonStart);
        if (name.Length == 0 || name.Any(char.IsWhiteSpace) || end < 0 || end > limit || text[jsonStart] != '{'
            || !ToolCallJson.TryNormaliseArguments(text[jsonStart..end], out var arguments))
        {
            return (null, 0);
        }

        return ([new ToolCallCandidate(name, arguments, string.IsNullOrEmpty(id) ? null : id)], end);
    }
}
