using System.Globalization;
using System.Text;

namespace MicroAI.TextFormats.Grammar;

/// <summary>Writing GBNF terminals: quoted literals and rule names.</summary>
internal static class GbnfText
{
    /// <summary>
    /// A GBNF string literal matching <paramref name="text"/> exactly. Quotes, backslashes and control
    /// characters are escaped (\x.. is GBNF's 8-bit escape); everything else is written as itself,
    /// since GBNF terminals are Unicode code points and the grammar travels as UTF-8.
    /// </summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// A rule name from a hint such as a property name: GBNF names are dashed lowercase words, so
    /// anything else becomes a dash; short, so a long property name does not bloat every rule.
    /// </summary>
    public static string RuleName(string hint)
    {
        var sb = new StringBuilder(Math.Min(hint.Length, 40));
        foreach (var c in hint)
        {
            if (sb.Length >= 40)
                break;
            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                sb.Append(lower);
            else if (sb.Length > 0 && sb[^1] != '-')
                sb.Append('-');
        }
        while (sb.Length > 0 && sb[^1] == '-')
            sb.Length--;
        return sb.Length == 0 ? "value" : sb.ToString();
    }

    /// <summary>Joins sequence items, skipping empty ones (such as whitespace when it is disabled).</summary>
    public static string Seq(params string[] items) => string.Join(' ', items.Where(i => i.Length > 0));
}
