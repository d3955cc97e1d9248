using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Reads the Python-call syntax Llama 3.1 uses for its built-in tools, e.g.
/// <c>brave_search.call(query="weather in Paris")</c>, into a name and a JSON arguments object.
/// Only keyword arguments with literal values (strings, numbers, True/False/None) are accepted: that is all the
/// model card's built-ins use, and anything richer would need a real Python parser.
/// </summary>
internal static class PythonCallSyntax
{
    // Keep non-ASCII readable in the arguments text; it is JSON for a client, not HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses <c>name.call(k=v, ...)</c> (the <c>.call</c> is optional) spanning the whole text.</summary>
    public static bool TryParse(string text, out ToolCallCandidate call)
    {
        call = default;
        var s = text.Trim();
        var open = s.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || !s.EndsWith(')'))
        {
            return false;
        }

        var name = s[..open].Trim();
        if (name.EndsWith(".call", StringComparison.Ordinal))
        {
            name = name[..^".call".Length];
        }

        if (!IsIdentifier(name))
        {
            return false;
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            var pos = open + 1;
            var end = s.Length - 1;
            pos = SkipSpaces(s, pos, end);
            while (pos < end)
            {
                var eq = s.IndexOf('=', pos, end - pos);
                if (eq < 0)
                {
                    return false;
                }

                var key = s[pos..eq].Trim();
                if (!IsIdentifier(key))
                {
                    return false;
                }

                writer.WritePropertyName(key);
                pos = SkipSpaces(s, eq + 1, end);
                if (!TryWriteLiteral(s, ref pos, end, writer))
                {
                    return false;
                }

                pos = SkipSpaces(s, pos, end);
                if (pos < end)
                {
                    if (s[pos] != ',')
                    {
                        return false;
                    }

                    pos = SkipSpaces(s, pos + 1, end);
                }
            }

            writer.WriteEndObject();
        }

        call = new ToolCallCandidate(name, Encoding.UTF8.GetString(buffer.ToArray()));
        return true;
    }

    /// <summary>
    /// Parses the Llama 3.2 / 4 "pythonic" list <c>[get_weather(city="Paris"), get_time()]</c> spanning the whole text.
    /// </summary>
    public static bool TryParseList(string text, out List<ToolCallCandidate> calls)
    {
        calls = [];
        var s = text.Trim();
        if (s.Length < 2 || s[0] != '[' || s[^1] != ']')
        {
            return false;
        }

        // Split at top-level commas: outside quotes and parentheses.
        var depth = 0;
        var quote = '\0';
        var itemStart = 1;
        for (var i = 1; i < s.Length - 1; i++)
        {
            var c = s[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                if (!TryAdd(s[itemStart..i], calls))
                {
                    return false;
                }

                itemStart = i + 1;
            }
        }

        return quote == '\0' && depth == 0 && TryAdd(s[itemStart..^1], calls);

        static bool TryAdd(string item, List<ToolCallCandidate> calls)
        {
            if (!TryParse(item, out var call))
            {
                return false;
            }

            calls.Add(call);
            return true;
        }
    }

    private static bool TryWriteLiteral(string s, ref int pos, int end, Utf8JsonWriter writer)
    {
        if (pos >= end)
        {
            return false;
        }

        var quote = s[pos];
        if (quote is '"' or '\'')
        {
            var value = new StringBuilder();
            for (var i = pos + 1; i < end; i++)
            {
                var c = s[i];
                if (c == '\\' && i + 1 < end)
                {
                    var next = s[++i];
                    value.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                }
                else if (c == quote)
                {
                    writer.WriteStringValue(value.ToString());
                    pos = i + 1;
                    return true;
                }
                else
                {
                    value.Append(c);
                }
            }

            return false;
        }

        var stop = pos;
        while (stop < end && s[stop] != ',' && !char.IsWhiteSpace(s[stop]))
        {
            stop++;
        }

        var token = s[pos..stop];
        pos = stop;
        switch (token)
        {
            case "True":
                writer.WriteBooleanValue(true);
                return true;
            case "False":
                writer.WriteBooleanValue(false);
                return true;
            case "None":
                writer.WriteNullValue();
                return true;
        }

        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
            return true;
        }

        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            writer.WriteNumberValue(real);
            return true;
        }

        return false;
    }

    private static int SkipSpaces(string s, int pos, int end)
    {
        while (pos < end && char.IsWhiteSpace(s[pos]))
        {
            pos++;
        }

        return pos;
    }

    internal static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
