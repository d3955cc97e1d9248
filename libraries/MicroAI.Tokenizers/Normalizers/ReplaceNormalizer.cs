using System.Text.RegularExpressions;

namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"Replace": replaces every occurrence of a literal string or a regex with <c>content</c>.</summary>
internal sealed class ReplaceNormalizer : INormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        _content = content;
    }

    public string Normalize(string text)
    {
        if (_literal is not null)
            return _literal.Length == 0 ? text : text.Replace(_literal, _content, StringComparison.Ordinal);
        // Regex.Replace treats '$' in the replacement as a group reference; HF's content is literal.
        return _regex!.Replace(text, _ => _content);
    }
}
