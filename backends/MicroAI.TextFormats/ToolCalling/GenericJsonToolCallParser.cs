namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Fallback for templates with no recognised markers: the whole output is a JSON call object
/// (<c>{"name": ..., "arguments": {...}}</c>), a list of them, or <c>{"tool_calls": [...]}</c>, optionally inside a
/// ```json fence. Deliberately strict (whole output only) because without markers any looser rule would turn
/// JSON an answer merely contains into calls.
/// </summary>
internal sealed class GenericJsonToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    public ToolCallFormat Format => ToolCallFormat.Generic;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var result = new ParseAccumulator(ids, knownToolNames);
        var json = Unfence(text.Trim());
        var start = JsonScanner.SkipWhitespace(json, 0);
        if (start < json.Length
            && JsonScanner.FindEnd(json, start) == json.Length
            && ToolCallJson.TryReadCalls(json, out var calls))
        {
            result.AddCallsOrContent(calls, text);
        }
        else
        {
            result.AddContent(text);
        }

        return result.Build();
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.WholeMessage(textSoFar, allowFence: true);

    /// <summary>Strips a ```/```json fence around the whole text, if present; returns the text trimmed otherwise.</summary>
    internal static string Unfence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstLineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        if (firstLineEnd < 0)
        {
            return text;
        }

        var language = text[3..firstLineEnd].Trim();
        if (language.Length > 0 && !language.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        var body = text[(firstLineEnd + 1)..].TrimEnd();
        if (body.EndsWith("```", StringComparison.Ordinal))
        {
            body = body[..^3];
        }

        return body.Trim();
    }
}
