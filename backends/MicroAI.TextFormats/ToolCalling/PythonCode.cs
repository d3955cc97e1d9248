namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Functionary's built-in <c>python</c> tool receives raw code rather than JSON. The template replays such a call
/// by JSON-encoding its arguments after the tag, so accept either an arguments object or bare code, which
/// becomes <c>{"code": "..."}</c>.
/// </summary>
internal static class PythonCode
{
    public const string ToolName = "python";

    public static ToolCallCandidate? ToCall(string body)
    {
        var code = StripEnd(body).Trim();
        if (code.Length == 0)
        {
            return null;
        }

        if (code[0] == '{' && ToolCallJson.TryNormaliseArguments(code, out var json))
        {
            return new ToolCallCandidate(ToolName, json);
        }

        return new ToolCallCandidate(ToolName, new System.Text.Json.Nodes.JsonObject { ["code"] = code }.ToJsonString());
    }

    private static string StripEnd(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.EndsWith("<|eom_id|>", StringComparison.Ordinal) ? trimmed[..^"<|eom_id|>".Length] : text;
    }
}
