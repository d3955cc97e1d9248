namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Llama 3.1 / 3.2 / 3.3. Their templates ask for custom tools as
/// <c>{"name": function name, "parameters": dictionary of argument name and its value}</c> making up the whole
/// message; the model card also shows <c>{"type": "function", "name": ...}</c>, several calls joined with <c>;</c>,
/// and the built-in tools in Python-call form after <c>&lt;|python_tag|&gt;</c>:
/// <code>&lt;|python_tag|&gt;brave_search.call(query="weather in Menlo Park")</code>
/// Meta's Llama 3.2 zero-shot prompt format asks for a Python-style list, read too:
/// <code>[get_weather(city="San Francisco", metric="celsius"), get_time()]</code>
/// A JSON object inside a longer answer is not a call: the format has no marker to tell the two apart, so only
/// the whole message (or everything after <c>&lt;|python_tag|&gt;</c>) counts.
/// </summary>
internal sealed class Llama3ToolCallParser(IToolCallIdGenerator ids) : IToolCallParser
{
    private const string PythonTag = "<|python_tag|>";
    private static readonly string[] Markers = [PythonTag];

    // End-of-message tokens can reach us when the engine renders special tokens; they are not content.
    private static readonly string[] EndTokens = ["<|eom_id|>", "<|eot_id|>"];

    public ToolCallFormat Format => ToolCallFormat.Llama3;

    public ToolCallParseResult Parse(string text, IReadOnlyCollection<string> knownToolNames)
    {
        var result = new ParseAccumulator(ids, knownToolNames);
        var body = StripEndTokens(text);
        var prefix = "";
        var tag = body.IndexOf(PythonTag, StringComparison.Ordinal);
        if (tag >= 0)
        {
            prefix = body[..tag];
            body = body[(tag + PythonTag.Length)..];
        }

        var candidates = ReadJsonCalls(body);
        if (candidates is null && tag >= 0 && PythonCallSyntax.TryParse(body, out var builtin))
        {
            candidates = [builtin];
        }

        // The zero-shot format Meta documents for Llama 3.2 (and Llama 4) writes a Python-style list instead.
        if (candidates is null && PythonCallSyntax.TryParseList(body, out var pythonic))
        {
            candidates = pythonic;
        }

        if (candidates is not null && result.AreKnown(candidates))
        {
            result.AddContent(prefix);
            result.AddCallsOrContent(candidates, text);
        }
        else
        {
            result.AddContent(text);
        }

        return result.Build();
    }

    public int SafePrefixLength(string textSoFar) =>
        Math.Min(StreamHold.BeforeMarkers(textSoFar, Markers), StreamHold.WholeMessage(textSoFar, allowFence: false));

    /// <summary>One or more JSON call objects separated by <c>;</c>, spanning the whole text; null otherwise.</summary>
    private static List<ToolCallCandidate>? ReadJsonCalls(string text)
    {
        var calls = new List<ToolCallCandidate>();
        var pos = JsonScanner.SkipWhitespace(text, 0);
        while (pos < text.Length)
        {
            var end = JsonScanner.FindEnd(text, pos);
            if (end < 0 || text[pos] != '{' || !ToolCallJson.TryReadCalls(text[pos..end], out var one))
            {
                return null;
            }

            calls.AddRange(one);
            pos = JsonScanner.SkipWhitespace(text, end);
            if (pos < text.Length && text[pos] == ';')
            {
                pos = JsonScanner.SkipWhitespace(text, pos + 1);
            }
        }

        return calls.Count > 0 ? calls : null;
    }

    private static string StripEndTokens(string text)
    {
        var trimmed = text.TrimEnd();
        foreach (var token in EndTokens)
        {
            if (trimmed.EndsWith(token, StringComparison.Ordinal))
            {
                return trimmed[..^token.Length];
            }
        }

        return text;
    }
}
