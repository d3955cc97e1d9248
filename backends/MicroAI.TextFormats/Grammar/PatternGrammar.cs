using System.Globalization;
using System.Text;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// Translates a simple JSON Schema <c>pattern</c> (an ECMA-262 regex) into a GBNF expression for
/// the characters between a JSON string's quotes. Supported: literals, escapes (\d \w \s \D \W \S and
/// escaped punctuation), classes with ranges and negation, '.', groups (capturing or '(?:'),
/// alternation, and the quantifiers * + ? {m} {m,} {m,n} (lazy ones too: same language).
/// Anything else (lookaround, backreferences, \b, \p{…}) is refused.
/// <para>
/// The grammar accepts a subset of the pattern's language: characters that JSON must escape
/// (quote, backslash, control characters) are only produced where the pattern spells them as
/// literals, and '\s' means a plain space. What is generated always matches the pattern.
/// </para>
/// </summary>
internal sealed class PatternGrammar
{
    /// <summary>Code points a raw JSON string character may not be (RFC 8259 §7), as ranges.</summary>
    private static readonly (int Lo, int Hi)[] MustEscape = [(0x00, 0x1F), ('"', '"'), ('\\', '\\'), (0x7F, 0x7F)];

    private readonly string _pattern;
    private readonly string _pointer;
    private readonly int _maxRepetition;
    private readonly int _maxDepth;
    private int _pos;
    private int _depth;

    private PatternGrammar(string pattern, string pointer, int maxRepetition, int maxDepth)
    {
        _pattern = pattern;
        _pointer = pointer;
        _maxRepetition = maxRepetition;
        _maxDepth = maxDepth;
    }

    /// <summary>
    /// The GBNF for the string's content. <paramref name="anyChar"/> is the rule for one JSON string
    /// character, used where an unanchored pattern allows anything before or after its match.
    /// </summary>
    public static string Translate(string pattern, string pointer, int maxRepetition, string anyChar, int maxDepth = 64)
    {
        var p = new PatternGrammar(pattern, pointer, maxRepetition, maxDepth);
        var anchoredStart = p.Eat('^');
        var anchoredEnd = pattern.Length > (anchoredStart ? 1 : 0) && pattern[^1] == '$' && TrailingBackslashes(pattern, pattern.Length - 1) % 2 == 0;
        var end = anchoredEnd ? pattern.Length - 1 : pattern.Length;
        var body = p.Alternation(end);
        if (p._pos != end)
            throw p.Error("an unbalanced ')'");
        return GbnfText.Seq(anchoredStart ? "" : anyChar + "*", body, anchoredEnd ? "" : anyChar + "*");
    }

    /// <summary>How many backslashes precede <paramref name="index"/>: an odd count escapes the character there.</summary>
    private static int TrailingBackslashes(string text, int index)
    {
        var n = 0;
        while (index - n - 1 >= 0 && text[index - n - 1] == '\\')
            n++;
        return n;
    }

    private GrammarSchemaException Error(string detail) =>
        GrammarSchemaException.Unsupported(_pointer, "pattern", $"{detail} (at offset {_pos} of '{_pattern}')");

    private bool Eat(char c)
    {
        if (_pos < _pattern.Length && _pattern[_pos] == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private string Alternation(int end)
    {
        var branches = new List<string> { Sequence(end) };
        while (_pos < end && _pattern[_pos] == '|')
        {
            _pos++;
            branches.Add(Sequence(end));
        }
        if (_pos < end && _pattern[_pos] != ')')
            throw Error("unexpected character");
        var nonEmpty = branches.Where(b => b.Length > 0).Distinct().ToList();
        if (nonEmpty.Count == 0)
            return "";
        var joined = nonEmpty.Count == 1 ? nonEmpty[0] : $"( {string.Join(" | ", nonEmpty)} )";
        if (nonEmpty.Count < branches.Count)
            return $"( {joined} )?";
        return joined;
    }

    private string Sequence(int end)
    {
        var items = new List<string>();
        while (_pos < end && _pattern[_pos] is not ('|' or ')'))
        {
            var atom = Atom(end);
            var quantified = Quantifier(atom);
            if (quantified.Length > 0)
                items.Add(quantified);
        }
        return items.Count switch
        {
            0 => "",
            1 => items[0],
            _ => $"( {string.Join(' ', items)} )",
        };
    }

    private string Atom(int end)
    {
        var c = _pattern[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                // Groups recurse: a pattern of ten thousand '(' must not overflow the stack.
                if (++_depth > _maxDepth)
                    throw Error($"groups nest deeper than {_maxDepth}");
                if (Eat('?'))
                {
                    if (!Eat(':'))
                        throw Error("lookarounds and named groups are not supported");
                }
                var inner = Alternation(end);
                if (!Eat(')'))
                    throw Error("unclosed group");
                _depth--;
                return inner.Length == 0 ? "" : $"( {inner} )";
            case '[':
                _pos++;
                return Class(end);
            case '.':
                _pos++;
                return Render(Subtract([(0x20, 0x10FFFF)], MustEscape));
            case '\\':
                _pos++;
                return Escape(end);
            case '*' or '+' or '?' or '{':
                throw Error("a quantifier has nothing to repeat");
            case '^' or '$':
                throw Error("anchors are supported only at the very start and end");
            default:
                return Literal();
        }
    }

    /// <summary>One literal code point (a surrogate pair stays together), as the JSON text for it.</summary>
    private string Literal()
    {
        var length = char.IsHighSurrogate(_pattern[_pos]) && _pos + 1 < _pattern.Length && char.IsLowSurrogate(_pattern[_pos + 1]) ? 2 : 1;
        var text = _pattern.Substring(_pos, length);
        _pos += length;
        return JsonCharLiteral(text);
    }

    /// <summary>The GBNF literal for how a JSON string spells <paramref name="text"/>.</summary>
    private static string JsonCharLiteral(string text)
    {
        var quoted = JsonLiteral.Quote(text);
        return GbnfText.Literal(quoted[1..^1]);
    }

    private string Escape(int end)
    {
        if (_pos >= end)
            throw Error("a trailing backslash");
        var c = _pattern[_pos++];
        return c switch
        {
            'd' => "[0-9]",
            'w' => "[a-zA-Z0-9_]",
            's' => "\" \"",
            'D' => Render(Subtract([(0x20, 0x10FFFF)], [.. MustEscape, ('0', '9')])),
            'W' => Render(Subtract([(0x20, 0x10FFFF)], [.. MustEscape, ('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')])),
            'S' => Render(Subtract([(0x20, 0x10FFFF)], [.. MustEscape, (' ', ' ')])),
            'n' => JsonCharLiteral("\n"),
            't' => JsonCharLiteral("\t"),
            'r' => JsonCharLiteral("\r"),
            'f' => JsonCharLiteral("\f"),
            _ when char.IsLetterOrDigit(c) => throw Error($"the escape '\\{c}' is not supported"),
            _ => JsonCharLiteral(c.ToString()),
        };
    }

    /// <summary>A character class, as a GBNF class restricted to characters JSON writes unescaped.</summary>
    private string Class(int end)
    {
        var negated = Eat('^');
        var ranges = new List<(int Lo, int Hi)>();
        var first = true;
        while (true)
        {
            if (_pos >= end)
                throw Error("unclosed character class");
            var c = _pattern[_pos];
            if (c == ']' && !first)
            {
                _pos++;
                break;
            }
            first = false;
            var lo = ClassChar(ranges);
            if (lo < 0)
                continue;
            if (_pos + 1 < end && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                var hi = ClassChar(ranges);
                if (hi < 0 || hi < lo)
                    throw Error("a bad range in a character class");
                ranges.Add((lo, hi));
            }
            else
                ranges.Add((lo, lo));
        }
        // A negated class also excludes what JSON would have to escape; a positive one drops it.
        if (negated)
            return Render(Subtract([(0x20, 0x10FFFF)], [.. ranges, .. MustEscape]));
        return Render(Subtract(ranges, MustEscape));
    }

    /// <summary>One class member: a code point, or -1 after adding a shorthand (\d, \w, \s) itself.</summary>
    private int ClassChar(List<(int Lo, int Hi)> ranges)
    {
        var c = _pattern[_pos++];
        if (c != '\\')
        {
            if (char.IsHighSurrogate(c) && _pos < _pattern.Length && char.IsLowSurrogate(_pattern[_pos]))
                return char.ConvertToUtf32(c, _pattern[_pos++]);
            return c;
        }
        if (_pos >= _pattern.Length)
            throw Error("a trailing backslash");
        var e = _pattern[_pos++];
        switch (e)
        {
            case 'd': ranges.Add(('0', '9')); return -1;
            case 'w': ranges.AddRange([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]); return -1;
            case 's': ranges.Add((' ', ' ')); return -1;
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            default:
                if (char.IsLetterOrDigit(e))
                    throw Error($"the escape '\\{e}' is not supported in a character class");
                return e;
        }
    }

    private string Quantifier(string atom)
    {
        if (_pos >= _pattern.Length)
            return atom;
        int min, max;
        switch (_pattern[_pos])
        {
            case '*': min = 0; max = -1; _pos++; break;
            case '+': min = 1; max = -1; _pos++; break;
            case '?': min = 0; max = 1; _pos++; break;
            case '{':
                var close = _pattern.IndexOf('}', _pos);
                if (close < 0)
                    throw Error("an unclosed '{'");
                var parts = _pattern[(_pos + 1)..close].Split(',');
                if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min))
                    throw Error("a malformed {m,n} quantifier");
                if (parts.Length == 1)
                    max = min;
                else if (parts[1].Length == 0)
                    max = -1;
                else if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < min)
                    throw Error("a malformed {m,n} quantifier");
                if (Math.Max(min, max) > _maxRepetition)
                    throw Error($"repetition counts above {_maxRepetition} are not accepted");
                _pos = close + 1;
                break;
            default:
                return atom;
        }
        Eat('?'); // lazy: matches the same strings
        if (_pos < _pattern.Length && _pattern[_pos] == '+')
            throw Error("possessive quantifiers are not supported");
        if (atom.Length == 0)
            return "";
        var suffix = (min, max) switch
        {
            (0, -1) => "*",
            (1, -1) => "+",
            (0, 1) => "?",
            (_, -1) => $"{{{min},}}",
            _ when min == max => $"{{{min}}}",
            _ => $"{{{min},{max}}}",
        };
        return atom + suffix;
    }

    private static List<(int Lo, int Hi)> Subtract(IEnumerable<(int Lo, int Hi)> set, IEnumerable<(int Lo, int Hi)> remove)
    {
        var result = set.ToList();
        foreach (var (rlo, rhi) in remove)
        {
            var next = new List<(int Lo, int Hi)>();
            foreach (var (lo, hi) in result)
            {
                if (rhi < lo || rlo > hi)
                {
                    next.Add((lo, hi));
                    continue;
                }
                if (lo < rlo)
                    next.Add((lo, rlo - 1));
                if (hi > rhi)
                    next.Add((rhi + 1, hi));
            }
            result = next;
        }
        return [.. result.OrderBy(r => r.Lo)];
    }

    private string Render(List<(int Lo, int Hi)> ranges)
    {
        if (ranges.Count == 0)
            throw Error("a character class that matches no character JSON can write unescaped");
        var sb = new StringBuilder("[");
        foreach (var (lo, hi) in ranges)
        {
            ClassCodePoint(sb, lo);
            if (hi != lo)
            {
                sb.Append('-');
                ClassCodePoint(sb, hi);
            }
        }
        return sb.Append(']').ToString();
    }

    private static void ClassCodePoint(StringBuilder sb, int cp)
    {
        // GBNF classes know the escapes \\ \[ \] but not \^ or \-: those go by code.
        if (cp is '\\' or ']' or '[')
            sb.Append('\\').Append((char)cp);
        else if (cp is '^' or '-')
            sb.Append("\\x").Append(cp.ToString("X2", CultureInfo.InvariantCulture));
        else if (cp < 0x20 || cp is >= 0x7F and < 0xA0 || cp is >= 0xD800 and <= 0xDFFF || cp > 0xFFFF)
            // Escapes keep the grammar text plain ASCII where a raw character could be unprintable.
            sb.Append(cp > 0xFFFF ? "\\U" + cp.ToString("X8", CultureInfo.InvariantCulture) : "\\u" + cp.ToString("X4", CultureInfo.InvariantCulture));
        else
            sb.Append(char.ConvertFromUtf32(cp));
    }
}
