namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Functionary v3.1 (Llama 3.1 based). Its template instructs
/// <c>&lt;function=example_function_name&gt;{"example_name": "example_value"}&lt;/function&gt;</c>, and writes calls
/// to its built-in <c>python</c> tool as <c>&lt;|python_tag|&gt;</c> followed by the code itself.
/// Each block stands alone; a missing closing tag at the end of the output is tolerated.
/// </summary>
internal sealed class FunctionaryV31ToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string Open = "<function=";
    private const string Close = "</function>";
    private const string PythonTag = "<|python_tag|>";
    private static readonly string[] Markers = [Open, PythonTag];

    public ToolCallFormat Format => ToolCallFormat.FunctionaryV31;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var result = new ParseAccumulator(ids, knownToolNames);
        var body = text;
        var python = text.IndexOf(PythonTag, StringComparison.Ordinal);
        string? code = null;
        if (python >= 0)
        {
            body = text[..python];
            code = text[(python + PythonTag.Length)..];
        }

        var pos = 0;
        while (pos < body.Length)
        {
            var open = body.IndexOf(Open, pos, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            result.AddContent(body.AsSpan(pos, open - pos));
            var nameEnd = body.IndexOf('>', open + Open.Length);
            if (nameEnd < 0)
            {
                result.AddContent(body.AsSpan(open));
                pos = body.Length;
                break;
            }

            var close = body.IndexOf(Close, nameEnd, StringComparison.Ordinal);
            var blockEnd = close < 0 ? body.Length : close + Close.Length;
            var name = body[(open + Open.Length)..nameEnd].Trim();
            var arguments = body[(nameEnd + 1)..(close < 0 ? body.Length : close)];
            ToolCallCandidate? candidate = ToolNames.IsValid(name) && ToolCallJson.TryNormaliseArguments(arguments, out var json)
                ? new ToolCallCandidate(name, json)
                : null;
            result.AddCallOrContent(candidate, body[open..blockEnd]);
            pos = blockEnd;
        }

        if (pos < body.Length)
        {
            result.AddContent(body.AsSpan(pos));
        }

        if (code is not null)
        {
            result.AddCallOrContent(PythonCode.ToCall(code), text[python..]);
        }

        return result.Build();
    }

    public int SafePrefixLength(string textSoFar) => StreamHold.BeforeMarkers(textSoFar, Markers);
}
