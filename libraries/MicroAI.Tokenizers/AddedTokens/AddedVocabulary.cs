using MicroAI.Tokenizers.Normalizers;

namespace MicroAI.Tokenizers.AddedTokens;

/// <summary>
/// The added tokens of a tokenizer: lookups by id and content, and two matchers — one on the raw input for tokens
/// with <c>normalized: false</c>, one on normalized text for the others (their content normalized the same way).
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<int, AddedToken> _byId = [];
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);

    public AddedVocabulary(IEnumerable<AddedToken> tokens, INormalizer? normalizer)
    {
        foreach (var t in tokens)
        {
            if (t.Content.Length == 0)
                continue;
            _byId[t.Id] = t;
            _byContent.TryAdd(t.Content, t);
        }
        Raw = new AddedTokenMatcher(_byId.Values.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        Normalized = new AddedTokenMatcher(_byId.Values.Where(t => t.Normalized)
            .Select(t => (normalizer?.Normalize(t.Content) ?? t.Content, t)));
        MaxId = _byId.Count == 0 ? -1 : _byId.Keys.Max();
    }

    public AddedTokenMatcher Raw { get; }

    public AddedTokenMatcher Normalized { get; }

    public int MaxId { get; }

    public IEnumerable<AddedToken> All => _byId.Values;

    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);

    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);

    public bool IsSpecial(int id) => _byId.TryGetValue(id, out var t) && t.Special;
}
