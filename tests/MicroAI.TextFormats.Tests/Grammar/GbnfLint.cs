using System.Text.RegularExpressions;

namespace MicroAI.TextFormats.Tests.Grammar;

/// <summary>
/// A structural check of GBNF text, enough to catch converter slips without llama.cpp: one rule
/// per line, names defined once, every referenced name defined, literals and classes closed,
/// parentheses balanced, repetition braces well-formed. (llama.cpp's own parser is exercised in
/// the LlamaCpp tests.)
/// </summary>
internal static partial class GbnfLint
{
    [GeneratedRegex("^([a-z0-9-]+) ::= (.+)$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"^\{[0-9]+(,[0-9]*)?\}")]
    private static partial Regex Braces();

    public static List<string> Check(string gbnf)
    {
        var problems = new List<string>();
        var defined = new List<string>();
        var referenced = new HashSet<string>();
        foreach (var line in gbnf.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = RuleLine().Match(line);
            if (!m.Success)
            {
                problems.Add($"not a rule line: {line}");
                continue;
            }
            defined.Add(m.Groups[1].Value);
            Body(m.Groups[2].Value, line, referenced, problems);
        }
        if (defined.FirstOrDefault() != "root")
            problems.Add("the first rule is not root");
        problems.AddRange(defined.GroupBy(d => d).Where(g => g.Count() > 1).Select(g => $"rule '{g.Key}' defined {g.Count()} times"));
        problems.AddRange(referenced.Where(r => !defined.Contains(r)).Select(r => $"rule '{r}' referenced but not defined"));
        return problems;
    }

    private static void Body(string body, string line, HashSet<string> referenced, List<string> problems)
    {
        var depth = 0;
        for (var i = 0; i < body.Length;)
        {
            var c = body[i];
            if (c == ' ')
                i++;
            else if (c is '"' or '[')
            {
                var close = c == '"' ? '"' : ']';
                i++;
                while (i < body.Length && body[i] != close)
                    i += body[i] == '\\' ? 2 : 1;
                if (i >= body.Length)
                {
                    problems.Add($"unclosed {c} in: {line}");
                    return;
                }
                i++;
            }
            else if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
            {
                var start = i;
                while (i < body.Length && body[i] is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
                    i++;
                referenced.Add(body[start..i]);
            }
            else if (c == '{')
            {
                var m = Braces().Match(body[i..]);
                if (!m.Success)
                {
                    problems.Add($"bad repetition at {i} in: {line}");
                    return;
                }
                i += m.Length;
            }
            else if (c is '(' or ')')
            {
                depth += c == '(' ? 1 : -1;
                if (depth < 0)
                    problems.Add($"unbalanced ) in: {line}");
                i++;
            }
            else if (c is '|' or '*' or '+' or '?')
                i++;
            else
            {
                problems.Add($"unexpected '{c}' at {i} in: {line}");
                return;
            }
        }
        if (depth != 0)
            problems.Add($"unbalanced ( in: {line}");
    }
}
