namespace MicroAI.Tokenizers.Models;

/// <summary>
/// Token string ↔ id map. Lookups by <see cref="ReadOnlySpan{T}"/> go through the dictionary's alternate lookup,
/// so the models never allocate a string to look a piece up.
/// </summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private readonly string?[] _tokens;

    public Vocabulary(Dictionary<string, int> ids)
    {
        _ids = ids;
        _spanLookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var max = -1;
        foreach (var id in ids.Values)
        {
            if (id < 0)
                throw new FormatException($"negative token id {id}");
            max = Math.Max(max, id);
        }
        _tokens = new string?[max + 1];
        foreach (var (token, id) in ids)
            _tokens[id] = token;
        var longest = 0;
        foreach (var token in ids.Keys)
            longest = Math.Max(longest, token.Length);
        LongestToken = longest;
    }

    /// <summary>Number of entries.</summary>
    public int Count => _ids.Count;

    /// <summary>Largest id + 1.</summary>
    public int IdSpace => _tokens.Length;

    /// <summary>Length in UTF-16 units of the longest token (bounds WordPiece's longest-match search).</summary>
    public int LongestToken { get; }

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _spanLookup.TryGetValue(token, out id);

    public int? GetId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    /// <summary>The ids of the byte pieces <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c> by byte value, -1 where one is missing (byte_fallback).</summary>
    internal int[] ByteFallbackIds()
    {
        var ids = new int[256];
        for (var b = 0; b < 256; b++)
            ids[b] = GetId($"<0x{b:X2}>") ?? -1;
        return ids;
    }

    public string? GetToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;
}
