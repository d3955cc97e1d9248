namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Splits off a leading <c>&lt;think&gt;...&lt;/think&gt;</c> block so a call or a marker the model merely
/// considered while reasoning is not executed. The opening tag is optional because several templates
/// (DeepSeek R1 distills, QwQ) put <c>&lt;think&gt;</c> in the prompt and the model only writes the closing one.
/// An empty block (Qwen 3 with thinking switched off writes <c>&lt;think&gt;\n\n&lt;/think&gt;</c>) is removed
/// and reported as no reasoning.
/// </summary>
internal static class ThinkBlock
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    public static (string? Reasoning, string Remainder) Split(string text)
    {
        var start = JsonScanner.SkipWhitespace(text, 0);
        var opened = text.AsSpan(start).StartsWith(Open, StringComparison.Ordinal);
        var close = text.IndexOf(Close, StringComparison.Ordinal);
        if (close < 0)
        {
            // An unclosed block means generation stopped mid-thought: all of it is reasoning, nothing is an answer.
            return opened ? (NullIfEmpty(text[(start + Open.Length)..].Trim()), "") : (null, text);
        }

        // Without an opening tag, only treat it as reasoning when no other <think> appears earlier
        // (otherwise the closing tag belongs to something the model quoted).
        if (!opened && text.IndexOf(Open, StringComparison.Ordinal) is var other && other >= 0 && other < close)
        {
            return (null, text);
        }

        var reasoningStart = opened ? start + Open.Length : 0;
        var reasoning = text[reasoningStart..close].Trim();
        return (NullIfEmpty(reasoning), text[(close + Close.Length)..]);
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
