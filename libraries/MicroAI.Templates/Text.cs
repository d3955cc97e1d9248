namespace MicroAI.Templates;

/// <summary>Python string helpers shared by methods and filters.</summary>
internal static class Text
{
    /// <summary>Python str.splitlines: breaks on \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.</summary>
    public static List<string> SplitLines(string s, bool keepEnds)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is not ('\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')) continue;
            int end = i;
            if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n') i++;
            lines.Add(keepEnds ? s[start..(i + 1)] : s[start..end]);
            start = i + 1;
        }

        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }
}
