using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Models;

/// <summary>Options of a "BPE" model besides its vocabulary and merges.</summary>
internal sealed record BpeOptions(
    string? UnkToken = null,
    string? ContinuingSubwordPrefix = null,
    string? EndOfWordSuffix = null,
    bool FuseUnk = false,
    bool ByteFallback = false,
    bool IgnoreMerges = false);

/// <summary>
/// "BPE": a word starts as one symbol per character (with the continuing-subword prefix / end-of-word suffix if
/// configured); the adjacent pair with the best (lowest) merge rank is merged, leftmost first on ties, until no
/// pair can merge. Dropout is ignored: inference is deterministic.
/// </summary>
/// <remarks>
/// The merge loop keeps a priority queue of candidate pairs over a linked list of symbols, so a word of n symbols
/// costs O(n log n) — a megabyte "word" cannot hang it. Split words are kept in a <see cref="WordIdCache"/>.
/// </remarks>
internal sealed class BpeModel : ITokenModel
{

    [ThreadStatic]
    private static PriorityQueue<int, long>? t_queue;

    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int? _unkId;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly bool _fuseUnk;
    private readonly bool _byteFallback;
    private readonly bool _ignoreMerges;
    private readonly int[]? _byteFallbackIds;
    private readonly WordIdCache _cache = new();

    /// <param name="vocabulary">Token → id.</param>
    /// <param name="merges">Merge pairs in rank order (best first).</param>
    /// <param name="options">Everything else.</param>
    /// <exception cref="FormatException">A merge refers to a token that is not in the vocabulary.</exception>
    public BpeModel(Vocabulary vocabulary, IReadOnlyList<(string Left, string Right)> merges, BpeOptions options)
    {
        Vocabulary = vocabulary;
        Options = options;
        _prefix = options.ContinuingSubwordPrefix ?? "";
        _suffix = options.EndOfWordSuffix ?? "";
        _fuseUnk = options.FuseUnk;
        _byteFallback = options.ByteFallback;
        _ignoreMerges = options.IgnoreMerges;
        _unkId = options.UnkToken is null ? null : vocabulary.GetId(options.UnkToken);

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            var leftId = vocabulary.GetId(left) ?? throw new FormatException($"merge {rank} ('{left} {right}'): '{left}' is not in the vocabulary");
            var rightId = vocabulary.GetId(right) ?? throw new FormatException($"merge {rank} ('{left} {right}'): '{right}' is not in the vocabulary");
            var merged = _prefix.Length > 0 && right.StartsWith(_prefix, StringComparison.Ordinal) ? left + right[_prefix.Length..] : left + right;
            var newId = vocabulary.GetId(merged) ?? throw new FormatException($"merge {rank} ('{left} {right}'): the result '{merged}' is not in the vocabulary");
            _merges.TryAdd(Key(leftId, rightId), (rank, newId));
        }

        if (_byteFallback)
        {
            _byteFallbackIds = vocabulary.ByteFallbackIds();
        }
    }

    public Vocabulary Vocabulary { get; }

    public BpeOptions Options { get; }

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
            return;
        if (_cache.TryAppend(word, ids))
            return;
        if (_ignoreMerges && Vocabulary.TryGetId(word, out var whole))
        {
            ids.Add(whole);
            return;
        }

        var start = ids.Count;
        Merge(word, ids);
        _cache.Add(word, ids, start);
    }

    private void Merge(ReadOnlySpan<char> word, List<int> output)
    {
        // Initial symbols.
        var symbols = new List<int>(word.Length);
        Span<char> lookup = stackalloc char[64];
        var lastWasUnk = false;
        for (var i = 0; i < word.Length;)
        {
            CharClasses.CodePointAt(word, i, out var len);
            var isFirst = i == 0;
            var isLast = i + len == word.Length;
            var piece = word.Slice(i, len);
            i += len;

            var keyLength = (isFirst ? 0 : _prefix.Length) + len + (isLast ? _suffix.Length : 0);
            var key = keyLength <= lookup.Length ? lookup[..keyLength] : new char[keyLength];
            var at = 0;
            if (!isFirst)
            {
                _prefix.CopyTo(key);
                at = _prefix.Length;
            }
            piece.CopyTo(key[at..]);
            if (isLast)
                _suffix.CopyTo(key[(at + len)..]);

            if (Vocabulary.TryGetId(key, out var id))
            {
                symbols.Add(id);
                lastWasUnk = false;
                continue;
            }
            if (_byteFallback && TryAddBytes(piece, symbols))
            {
                lastWasUnk = false;
                continue;
            }
            if (_unkId is { } unk)
            {
                if (!(_fuseUnk && lastWasUnk))
                    symbols.Add(unk);
                lastWasUnk = true;
            }
            // No unk token: the character is dropped, as Hugging Face does.
        }

        if (symbols.Count < 2)
        {
            output.AddRange(symbols);
            return;
        }

        var n = symbols.Count;
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
        }

        var queue = t_queue ??= new PriorityQueue<int, long>();
        queue.Clear();
        for (var i = 0; i + 1 < n; i++)
            Enqueue(queue, symbols, i, i + 1);

        while (queue.TryDequeue(out var left, out var priority))
        {
            var right = next[left];
            if (!alive[left] || right < 0)
                continue;
            // Stale entry? Ranks identify pairs uniquely, so an equal rank means the same pair is still there.
            if (!_merges.TryGetValue(Key(symbols[left], symbols[right]), out var merge) || merge.Rank != (int)(priority >> 32))
                continue;
            symbols[left] = merge.NewId;
            alive[right] = false;
            next[left] = next[right];
            if (next[right] >= 0)
                prev[next[right]] = left;
            if (prev[left] >= 0)
                Enqueue(queue, symbols, prev[left], left);
            if (next[left] >= 0)
                Enqueue(queue, symbols, left, next[left]);
        }

        for (var i = 0; i >= 0; i = next[i])
            output.Add(symbols[i]);
    }

    private void Enqueue(PriorityQueue<int, long> queue, List<int> symbols, int left, int right)
    {
        if (_merges.TryGetValue(Key(symbols[left], symbols[right]), out var merge))
            queue.Enqueue(left, ((long)merge.Rank << 32) | (uint)left); // best rank first, then leftmost
    }

    private bool TryAddBytes(ReadOnlySpan<char> piece, List<int> symbols)
    {
        Span<byte> bytes = stackalloc byte[4];
        var n = Encoding.UTF8.GetBytes(piece, bytes);
        for (var b = 0; b < n; b++)
        {
            if (_byteFallbackIds![bytes[b]] < 0)
                return false;
        }
        for (var b = 0; b < n; b++)
            symbols.Add(_byteFallbackIds![bytes[b]]);
        return true;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
