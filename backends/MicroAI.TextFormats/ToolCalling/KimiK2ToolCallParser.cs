namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Kimi K2 / K2 Thinking special-token sections, as their templates replay calls:
/// <code>&lt;|tool_calls_section_begin|&gt;&lt;|tool_call_begin|&gt;functions.get_weather:0&lt;|tool_call_argument_begin|&gt;{"city": "Paris"}&lt;|tool_call_end|&gt;&lt;|tool_calls_section_end|&gt;</code>
/// The <c>functions.NAME:INDEX</c> handle is Kimi's own call id, rebuilt by the template from name and position
/// on replay, so only the name is taken from it and the call gets an ordinary OpenAI id.
/// Each call stands alone; missing end tokens at the end of the output are tolerated.
/// </summary>
internal sealed class KimiK2ToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string SectionBegin = "<|tool_calls_section_begin|>";
    private const string SectionEnd = "<|tool_calls_section_end|>";
    private const string CallBegin = "<|tool_call_begin|>";
    private const string ArgumentBegin = "<|tool_call_argument_begin|>";
    private const string CallEnd = "<|tool_call_end|>";
    private static readonly string[] Markers = [SectionBegin, CallBegin];

    public ToolCallFormat Format => ToolCallFormat.KimiK2;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var (reasoning, rest) = ThinkBlock.Split(text);
        var result = new ParseAccumulator(ids, knownToolNames);
        var added = 0;
        var pos = 0;
        while (pos < rest.Length)
        {
            var begin = rest.IndexOf(CallBegin, pos, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }

            result.AddContent(WithoutSectionTokens(rest[pos..begin]));
            var bodyStart = begin + CallBegin.Length;
            var end = rest.IndexOf(CallEnd, bodyStart, StringComparison.Ordinal);
            var nextBegin = rest.IndexOf(CallBegin, bodyStart, StringComparison.Ordinal);
            int bodyEnd, blockEnd;
            if (end >= 0 && (nextBegin < 0 || end < nextBegin))
            {
                bodyEnd = end;
                blockEnd = end + CallEnd.Length;
            }
            else
            {
                bodyEnd = blockEnd = nextBegin >= 0 ? nextBegin : rest.Length;
            }

            if (result.AddCallOrContent(ReadCall(rest[bodyStart..bodyEnd]), rest[begin..blockEnd]))
            {
                added++;
            }

            pos = blockEnd;
        }

        result.AddContent(WithoutSectionTokens(rest[pos..]));

        // With no readable call, return the text with its section tokens so nothing is lost.
        return added == 0 ? new ToolCallParseResult(rest.Length == 0 ? null : rest, [], reasoning) : result.Build(reasoning);
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.BeforeMarkers(textSoFar, Markers);

    private static string WithoutSectionTokens(string text) =>
        text.Replace(SectionBegin, "", StringComparison.Ordinal).Replace(SectionEnd, "", StringComparison.Ordinal);

    private static ToolCallCandidate? ReadCall(string body)
    {
        var argumentStart = body.IndexOf(ArgumentBegin, StringComparison.Ordinal);
        if (argumentStart < 0)
        {
            return null;
        }

        var name = body[..argumentStart].Trim();
        if (name.StartsWith("functions.", StringComparison.Ordinal))
        {
            name = name["functions.".Length..];
        }

        var colon = name.LastIndexOf(':');
        if (colon >= 0 && name[(colon + 1)..].All(char.IsAsciiDigit))
        {
            name = name[..colon];
        }

        return ToolNames.IsValid(name) && ToolCallJson.TryNormaliseArguments(body[(argumentStart + ArgumentBegin.Length)..].Trim(), out var arguments)
            ? new ToolCallCandidate(name, arguments)
            : null;
    }
}
