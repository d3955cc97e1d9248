namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Finds where a JSON object or array that starts at a given index ends, without parsing it.
/// Needed because model output puts JSON next to other text (markers, <c>;</c>, closing tags) and
/// <see cref="System.Text.Json.JsonDocument"/> only accepts a complete document with nothing after it.
/// </summary>
internal static class JsonScanner
{
    /// <summary>
    /// Returns the index just past the bracket that closes the value opened at <paramref name="start"/>,
    /// or -1 when the text ends first (a truncated generation) or <paramref name="start"/> is not <c>{</c>/<c>[</c>.
    /// Only brackets and string quoting are tracked; validity is left to the real parser.
    /// </summary>
    public static int FindEnd(string text, int start)
    {
        if (start >= text.Length || (text[start] != '{' && text[start] != '['))
        {
            return -1;
        }

        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }
        }

        return -1;
    }

    /// <summary>Index of the first non-whitespace character at or after <paramref name="start"/> (text length if none).</summary>
    public static int SkipWhitespace(string text, int start)
    {
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        return start;
    }
}
