namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Functionary v3.2. The output is a run of <c>&gt;&gt;&gt;recipient\nbody</c> segments; recipient <c>all</c> is
/// text for the user, any other recipient is a function whose body is its JSON arguments:
/// <code>all\nLet me check.&gt;&gt;&gt;get_weather\n{"city": "Paris"}</code>
/// The generation prompt already ends with <c>&gt;&gt;&gt;</c>, so the first segment usually arrives without it.
/// A segment that is not readable as either stays text exactly as written.
/// </summary>
internal sealed class FunctionaryV32ToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string Separator = ">>>";
    private const string ContentRecipient = "all";

    public ToolCallFormat Format => ToolCallFormat.FunctionaryV32;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var result = new ParseAccumulator(ids, knownToolNames);
        var segments = text.Split(Separator);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var raw = i == 0 ? segment : Separator + segment;
            var newline = segment.IndexOf('\n', StringComparison.Ordinal);
            var recipient = (newline < 0 ? segment : segment[..newline]).Trim();
            var body = newline < 0 ? "" : segment[(newline + 1)..];

            if (recipient == ContentRecipient)
            {
                result.AddContent(body);
            }
            else if (newline < 0 || (i == 0 && !ToolNames.IsValid(recipient)))
            {
                // No recipient line (the model skipped it, or a call was cut off before its arguments): plain text.
                result.AddContent(segment);
            }
            else if (recipient == PythonCode.ToolName && !body.TrimStart().StartsWith('{'))
            {
                result.AddCallOrContent(PythonCode.ToCall(body), raw);
            }
            else
            {
                ToolCallCandidate? candidate = ToolNames.IsValid(recipient)
                    && ToolCallJson.TryNormaliseArguments(body.Trim() is { Length: > 0 } args ? args : "{}", out var json)
                    ? new ToolCallCandidate(recipient, json)
                    : null;
                result.AddCallOrContent(candidate, raw);
            }
        }

        return result.Build();
    }

    /// <summary>
    /// Held back entirely: the content itself is framed (<c>all\n</c>) so the raw text is never safe to pass on
    /// verbatim, and <see cref="ToolCallStreamFilter"/> only ever passes a prefix through unchanged.
    /// </summary>
    public int SafePrefixLength(string textSoFar) => 0;
}
