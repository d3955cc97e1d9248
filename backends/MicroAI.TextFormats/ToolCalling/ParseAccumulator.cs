using System.Text;

namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Collects content pieces and accepted calls while a parser walks the text, and applies the rules every
/// format shares: unknown names stay text, ids are assigned, content is tidied the same way.
/// </summary>
internal sealed class ParseAccumulator(IToolCallIdGenerator ids, IReadOnlyCollection<string> knownToolNames)
{
    private readonly StringBuilder _content = new();
    private readonly List<ToolCall> _calls = [];

    public void AddContent(string text) => _content.Append(text);

    public void AddContent(ReadOnlySpan<char> text) => _content.Append(text);

    /// <summary>True when every candidate names an offered tool (or no tools were named at all).</summary>
    public bool AreKnown(IEnumerable<ToolCallCandidate> candidates) => candidates.All(c => IsKnown(c.Name));

    public bool IsKnown(string name) => knownToolNames.Count == 0 || knownToolNames.Contains(name, StringComparer.Ordinal);

    /// <summary>Accepts the candidates as calls when all are known; otherwise keeps <paramref name="rawText"/> as content.</summary>
    public bool AddCallsOrContent(IReadOnlyList<ToolCallCandidate> candidates, string rawText)
    {
        if (candidates.Count == 0 || !AreKnown(candidates))
        {
            AddContent(rawText);
            return false;
        }

        foreach (var candidate in candidates)
        {
            _calls.Add(new ToolCall(candidate.Id ?? ids.NextId(), candidate.Name, candidate.ArgumentsJson));
        }

        return true;
    }

    public bool AddCallOrContent(ToolCallCandidate? candidate, string rawText) =>
        AddCallsOrContent(candidate is { } c ? [c] : [], rawText);

    /// <summary>
    /// With no calls, the content is returned exactly as accumulated (the original text), so a plain answer
    /// is untouched. With calls, the whitespace the format puts between content and markup is trimmed.
    /// </summary>
    public ToolCallParseResult Build(string? reasoning = null)
    {
        var content = _content.ToString();
        if (_calls.Count > 0)
        {
            content = content.Trim();
        }

        return new ToolCallParseResult(content.Length == 0 ? null : content, _calls.ToArray(), reasoning);
    }
}
