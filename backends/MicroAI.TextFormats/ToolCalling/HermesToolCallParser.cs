namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Hermes-style calls, used by Hermes 2 Pro / 3, Qwen 2.5, QwQ, Qwen 3, Granite 4, MiMo and others whose templates
/// tell the model: "return a json object with function name and arguments within &lt;tool_call&gt;&lt;/tool_call&gt; XML tags".
/// <code>
/// Let me check both.
/// &lt;tool_call&gt;
/// {"name": "get_weather", "arguments": {"city": "Paris"}}
/// &lt;/tool_call&gt;
/// </code>
/// The plural variant some models use for parallel calls is read too: Apriel puts a JSON list in
/// <c>&lt;tool_calls&gt;[...]&lt;/tool_calls&gt;</c>, MiniMax-M1 one object per line in <c>&lt;tool_calls&gt;</c>.
/// Each block stands alone: a bad block stays text while good ones around it are still calls; within one
/// block it is all or nothing, since a half-accepted list would silently drop calls.
/// </summary>
internal sealed class HermesToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private static readonly (string Open, string Close)[] Tags = [("<tool_call>", "</tool_call>"), ("<tool_calls>", "</tool_calls>")];
    private static readonly string[] Markers = [.. Tags.Select(t => t.Open)];

    public ToolCallFormat Format => ToolCallFormat.Hermes;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var (reasoning, rest) = ThinkBlock.Split(text);
        var result = new ParseAccumulator(ids, knownToolNames);
        var pos = 0;
        while (pos < rest.Length)
        {
            var (open, tag) = FindOpening(rest, pos);
            if (open < 0)
            {
                break;
            }

            var (openTag, closeTag) = Tags[tag];
            result.AddContent(rest.AsSpan(pos, open - pos));
            var bodyStart = open + openTag.Length;

            // A block ends at its closing tag; a missing one (generation stopped on the EOS token right after the
            // JSON, or hit max_tokens) is tolerated by ending at the next opening tag or the end of the text.
            // Tags are looked for after the leading JSON value, so arguments that quote a tag do not cut the block.
            var jsonStart = JsonScanner.SkipWhitespace(rest, bodyStart);
            var searchFrom = Math.Max(bodyStart, JsonScanner.FindEnd(rest, jsonStart));
            var close = rest.IndexOf(closeTag, searchFrom, StringComparison.Ordinal);
            var nextOpen = FindOpening(rest, searchFrom).Index;
            int bodyEnd, blockEnd;
            if (close >= 0 && (nextOpen < 0 || close < nextOpen))
            {
                bodyEnd = close;
                blockEnd = close + closeTag.Length;
            }
            else
            {
                bodyEnd = blockEnd = nextOpen >= 0 ? nextOpen : rest.Length;
            }

            result.AddCallsOrContent(ReadBody(rest[bodyStart..bodyEnd]), rest[open..blockEnd]);
            pos = blockEnd;
        }

        if (pos < rest.Length)
        {
            result.AddContent(rest.AsSpan(pos));
        }

        return result.Build(reasoning);
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.BeforeMarkers(textSoFar, Markers);

    private static (int Index, int Tag) FindOpening(string text, int start)
    {
        (int Index, int Tag) first = (-1, -1);
        for (var tag = 0; tag < Tags.Length; tag++)
        {
            var index = text.IndexOf(Tags[tag].Open, start, StringComparison.Ordinal);
            if (index >= 0 && (first.Index < 0 || index < first.Index))
            {
                first = (index, tag);
            }
        }

        return first;
    }

    /// <summary>
    /// The body must be JSON call objects or lists of them, separated only by whitespace or commas, and nothing
    /// else (prose mentioning the tag is not a call). Empty list when it is not.
    /// </summary>
    private static List<ToolCallCandidate> ReadBody(string body)
    {
        var calls = new List<ToolCallCandidate>();
        var pos = JsonScanner.SkipWhitespace(body, 0);
        while (pos < body.Length)
        {
            var end = JsonScanner.FindEnd(body, pos);
            if (end < 0 || !ToolCallJson.TryReadCalls(body[pos..end], out var some))
            {
                return [];
            }

            calls.AddRange(some);
            pos = JsonScanner.SkipWhitespace(body, end);
            if (pos < body.Length && body[pos] == ',')
            {
                pos = JsonScanner.SkipWhitespace(body, pos + 1);
            }
        }

        return calls;
    }
}
