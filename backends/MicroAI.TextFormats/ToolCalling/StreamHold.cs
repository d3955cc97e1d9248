namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Shared <see cref="IToolCallParser.SafePrefixLength"/> rules. Both are monotonic: extending the text can only
/// keep or move the returned index forward, which is what lets the stream filter emit text it can never retract.
/// </summary>
internal static class StreamHold
{
    /// <summary>
    /// Everything before the first complete marker, or before a trailing fragment that could still become one
    /// (e.g. <c>"&lt;tool_"</c> at the end of the text so far).
    /// </summary>
    public static int BeforeMarkers(string text, IReadOnlyList<string> markers)
    {
        var safe = text.Length;
        foreach (var marker in markers)
        {
            var index = text.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                safe = Math.Min(safe, index);
                continue;
            }

            // Longest suffix of the text that is a proper prefix of the marker.
            for (var length = Math.Min(marker.Length - 1, text.Length); length > 0; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(marker.AsSpan(0, length)))
                {
                    safe = Math.Min(safe, text.Length - length);
                    break;
                }
            }
        }

        return safe;
    }

    /// <summary>
    /// For formats where a call is the whole message: hold everything while the message is blank or starts like
    /// JSON (or a ```fence when <paramref name="allowFence"/>); once it clearly starts as prose, all of it is content.
    /// </summary>
    public static int WholeMessage(string text, bool allowFence)
    {
        var first = JsonScanner.SkipWhitespace(text, 0);
        if (first == text.Length)
        {
            return 0;
        }

        var c = text[first];
        if (c is '{' or '[')
        {
            return 0;
        }

        if (allowFence && c == '`')
        {
            var rest = text.AsSpan(first);
            if (rest.StartsWith("```", StringComparison.Ordinal) || "```".AsSpan().StartsWith(rest, StringComparison.Ordinal))
            {
                return 0;
            }
        }

        return text.Length;
    }
}
