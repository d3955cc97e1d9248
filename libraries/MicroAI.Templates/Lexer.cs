using System.Globalization;
using System.Text;

namespace MicroAI.Templates;

/// <summary>
/// Turns template source into tokens with Jinja2's default delimiters and the whitespace rules
/// transformers enables: <c>trim_blocks</c> (drop the newline right after a block or comment tag),
/// <c>lstrip_blocks</c> (drop spaces/tabs before a block or comment tag that starts its line),
/// <c>-</c> modifiers (strip all whitespace on that side) and <c>+</c> (disable lstrip). As in Jinja2 with
/// <c>keep_trailing_newline=False</c>, one trailing newline of the source is dropped.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}",
        ",", ".", ":", "|",
    ];

    private readonly string _src;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;

    private Lexer(string source)
    {
        // Jinja2 normalizes every line ending to "\n" (its default newline_sequence).
        source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (source.EndsWith('\n')) source = source[..^1];
        _src = source;
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        bool stripNextText = false;
        while (_pos < _src.Length)
        {
            int tagStart = FindTagStart(_pos);
            int textEnd = tagStart < 0 ? _src.Length : tagStart;
            string text = _src[_pos..textEnd];
            int textLine = _line;
            CountLines(_pos, textEnd);
            if (stripNextText) text = text.TrimStart();
            stripNextText = false;
            if (tagStart < 0)
            {
                EmitText(text, textLine);
                _pos = _src.Length;
                break;
            }

            char kind = _src[tagStart + 1];
            char modifier = tagStart + 2 < _src.Length ? _src[tagStart + 2] : '\0';
            if (modifier == '-') text = text.TrimEnd();
            else if (modifier != '+' && kind != '{') text = LStripBlock(text);
            EmitText(text, textLine);
            _pos = tagStart + 2 + (modifier is '-' or '+' ? 1 : 0);

            if (kind == '#')
            {
                int end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
                if (end < 0) throw new TemplateException("Missing end of comment tag", _line);
                bool strip = end > _pos && _src[end - 1] == '-';
                CountLines(_pos, end + 2);
                _pos = end + 2;
                if (strip) stripNextText = true;
                else TrimBlockNewline();
                continue;
            }

            bool isBlock = kind == '%';
            _tokens.Add(new Token(isBlock ? TokenKind.BlockStart : TokenKind.VariableStart, "", _line));
            stripNextText = LexTagBody(isBlock);
            if (isBlock && IsRawStart()) stripNextText = LexRaw(stripNextText);
        }
    }

    private int FindTagStart(int from)
    {
        for (int i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
        {
            char c = _src[i + 1];
            if (c is '{' or '%' or '#') return i;
        }

        return -1;
    }

    /// <summary>lstrip_blocks: remove the tag line's leading spaces/tabs when nothing else precedes the tag.</summary>
    private string LStripBlock(string text)
    {
        int lineStart = text.LastIndexOf('\n') + 1;
        // The tag starts a line if the text holds a newline, or the text itself began a line.
        bool atLineStart = lineStart > 0 || _pos == 0 || _src[_pos - 1] == '\n';
        if (!atLineStart) return text;
        for (int i = lineStart; i < text.Length; i++)
            if (text[i] is not (' ' or '\t')) return text;
        return text[..lineStart];
    }

    private void TrimBlockNewline()
    {
        if (_pos < _src.Length && _src[_pos] == '\n') { _pos++; _line++; }
    }

    /// <summary>Adds a text token; line counting is done on the source span, since stripping may have removed newlines.</summary>
    private void EmitText(string text, int line)
    {
        if (text.Length > 0) _tokens.Add(new Token(TokenKind.Text, text, line));
    }

    private void CountLines(int from, int to)
    {
        for (int i = from; i < to; i++) if (_src[i] == '\n') _line++;
    }

    /// <summary>Lexes up to and including the closing delimiter; returns whether it carried a '-' modifier.</summary>
    private bool LexTagBody(bool isBlock)
    {
        int startLine = _line;
        while (true)
        {
            if (_pos >= _src.Length)
                throw new TemplateException($"Unexpected end of template, expected '{(isBlock ? "%}" : "}}")}'", startLine);
            char c = _src[_pos];
            if (c == '\n') { _line++; _pos++; continue; }
            if (char.IsWhiteSpace(c)) { _pos++; continue; }

            bool minus = c == '-' && Peek(1) == (isBlock ? '%' : '}') && Peek(2) == '}';
            if (minus || (isBlock ? (c == '%' && Peek(1) == '}') : (c == '}' && Peek(1) == '}' && !BraceOpen())))
            {
                _pos += minus ? 3 : 2;
                _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, "", _line));
                if (minus) return true;
                // Jinja2 applies trim_blocks after every block tag except {% raw %}.
                if (isBlock && !IsRawStart()) TrimBlockNewline();
                return false;
            }

            if (c is '"' or '\'') { LexString(c); continue; }
            if (char.IsAsciiDigit(c)) { LexNumber(); continue; }
            if (char.IsLetter(c) || c == '_')
            {
                int start = _pos;
                while (_pos < _src.Length && (char.IsLetterOrDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
                _tokens.Add(new Token(TokenKind.Name, _src[start.._pos], _line));
                continue;
            }

            string? op = null;
            foreach (string candidate in Operators)
                if (string.CompareOrdinal(_src, _pos, candidate, 0, candidate.Length) == 0) { op = candidate; break; }
            if (op is null) throw new TemplateException($"Unexpected character '{c}'", _line);
            _tokens.Add(new Token(TokenKind.Operator, op, _line));
            _pos += op.Length;
        }
    }

    /// <summary>Inside {{ }} a dict literal's closing brace must not end the tag: count open braces.</summary>
    private bool BraceOpen()
    {
        int depth = 0;
        for (int i = _tokens.Count - 1; i >= 0 && _tokens[i].Kind != TokenKind.VariableStart; i--)
        {
            if (_tokens[i].IsOperator("{")) depth++;
            else if (_tokens[i].IsOperator("}")) depth--;
        }

        return depth > 0;
    }

    private char Peek(int offset) => _pos + offset < _src.Length ? _src[_pos + offset] : '\0';

    private void LexString(char quote)
    {
        var sb = new StringBuilder();
        int startLine = _line;
        _pos++;
        while (true)
        {
            if (_pos >= _src.Length) throw new TemplateException("Unterminated string literal", startLine);
            char c = _src[_pos++];
            if (c == quote) break;
            if (c == '\n') _line++;
            if (c != '\\' || _pos >= _src.Length) { sb.Append(c); continue; }
            char e = _src[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '0': sb.Append('\0'); break;
                case '\\': case '\'': case '"': sb.Append(e); break;
                case '\n': _line++; break;
                case 'x': sb.Append((char)HexEscape(2)); break;
                case 'u': sb.Append((char)HexEscape(4)); break;
                case 'U':
                    int cp = HexEscape(8);
                    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw new TemplateException("Invalid \\U escape in string literal", _line);
                    sb.Append(char.ConvertFromUtf32(cp));
                    break;
                // Python keeps unknown escapes verbatim, backslash included.
                default: sb.Append('\\').Append(e); break;
            }
        }

        _tokens.Add(new Token(TokenKind.String, sb.ToString(), startLine));
    }

    private int HexEscape(int digits)
    {
        if (_pos + digits > _src.Length
            || !int.TryParse(_src.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            throw new TemplateException("Truncated or invalid escape in string literal", _line);
        _pos += digits;
        return value;
    }

    private void LexNumber()
    {
        int start = _pos;
        bool isFloat = false;
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
        }

        if (_pos < _src.Length && _src[_pos] is 'e' or 'E')
        {
            int save = _pos++;
            if (_pos < _src.Length && _src[_pos] is '+' or '-') _pos++;
            if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
            {
                isFloat = true;
                while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos])) _pos++;
            }
            else _pos = save;
        }

        string text = _src[start.._pos].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, _line));
    }

    private bool IsRawStart()
    {
        int n = _tokens.Count;
        return n >= 3 && _tokens[n - 3].Kind == TokenKind.BlockStart && _tokens[n - 2].IsName("raw") && _tokens[n - 1].Kind == TokenKind.BlockEnd;
    }

    /// <summary>After <c>{% raw %}</c>: everything up to <c>{% endraw %}</c> is one text token.</summary>
    private bool LexRaw(bool stripStart)
    {
        _tokens.RemoveRange(_tokens.Count - 3, 3);
        int search = _pos;
        while (true)
        {
            int open = _src.IndexOf("{%", search, StringComparison.Ordinal);
            if (open < 0) throw new TemplateException("Missing end of raw directive", _line);
            int p = open + 2;
            bool stripBefore = p < _src.Length && _src[p] == '-';
            if (p < _src.Length && _src[p] is '-' or '+') p++;
            while (p < _src.Length && char.IsWhiteSpace(_src[p])) p++;
            if (string.CompareOrdinal(_src, p, "endraw", 0, 6) != 0) { search = open + 2; continue; }
            p += 6;
            while (p < _src.Length && char.IsWhiteSpace(_src[p])) p++;
            bool stripAfter = p < _src.Length && _src[p] == '-';
            if (stripAfter) p++;
            if (string.CompareOrdinal(_src, p, "%}", 0, 2) != 0) { search = open + 2; continue; }
            string text = _src[_pos..open];
            if (stripStart) text = text.TrimStart();
            if (stripBefore) text = text.TrimEnd();
            else text = LStripRawEnd(text);
            EmitText(text, _line);
            CountLines(_pos, p + 2);
            _pos = p + 2;
            if (!stripAfter) TrimBlockNewline();
            return stripAfter;
        }
    }

    private static string LStripRawEnd(string text)
    {
        int lineStart = text.LastIndexOf('\n') + 1;
        for (int i = lineStart; i < text.Length; i++)
            if (text[i] is not (' ' or '\t')) return text;
        return lineStart > 0 ? text[..lineStart] : text;
    }
}
