using System.Text;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Models;

/// <summary>
/// "Unigram" (SentencePiece's unigram language model, as in XLM-RoBERTa, multilingual-e5, bge-m3, T5): the
/// segmentation of a word whose pieces' log-probabilities sum highest, found by Viterbi. A code point no piece
/// starts with costs the lowest score in the vocabulary minus 10 (SentencePiece's unknown penalty) and becomes
/// <c>unk_id</c>; adjacent unknowns fuse into one. With <c>byte_fallback</c> an unknown run becomes its UTF-8
/// bytes as <c>&lt;0xNN&gt;</c> pieces instead, when the vocabulary has all of them.
/// </summary>
/// <remarks>
/// Candidates are found by looking each prefix up in the vocabulary, at most <see cref="Vocabulary.LongestToken"/>
/// characters long, so a word of n characters costs O(n · L) lookups rather than a
/// trie of the 250k-piece vocabulary kept in memory. Ties keep the first candidate found, shortest piece first,
/// as Hugging Face's optimized encoder does. Segmented words are kept in a <see cref="WordIdCache"/>, as for BPE:
/// a cached word costs one lookup instead of a Viterbi pass.
/// </remarks>
internal sealed class UnigramModel : ITokenModel
{
    /// <summary>SentencePiece's kUnkPenalty: how far below the worst piece an unknown character scores.</summary>
    private const double UnknownPenalty = 10.0;

    private readonly double[] _scores;
    private readonly int? _unkId;
    private readonly double _unkScore;
    private readonly int[]? _byteIds;
    private readonly WordIdCache _cache = new();

    /// <param name="pieces">The vocabulary in id order: piece and its log-probability.</param>
    /// <param name="unkId">The unknown piece's id, or null (unknown characters are then dropped).</param>
    /// <param name="byteFallback">Whether unknown runs become <c>&lt;0xNN&gt;</c> byte pieces.</param>
    /// <exception cref="FormatException">unk_id is outside the vocabulary.</exception>
    public UnigramModel(IReadOnlyList<(string Piece, double Score)> pieces, int? unkId, bool byteFallback)
    {
        if (unkId is { } u && (u < 0 || u >= pieces.Count))
            throw new FormatException($"unk_id {u} is outside the vocabulary of {pieces.Count} pieces");
        var ids = new Dictionary<string, int>(pieces.Count, StringComparer.Ordinal);
        _scores = new double[pieces.Count];
        var min = double.PositiveInfinity;
        for (var id = 0; id < pieces.Count; id++)
        {
            var (piece, score) = pieces[id];
            ids.TryAdd(piece, id);
            _scores[id] = score;
            min = Math.Min(min, score);
        }
        Vocabulary = new Vocabulary(ids);
        _unkId = unkId;
        _unkScore = (pieces.Count == 0 ? 0 : min) - UnknownPenalty;
        if (byteFallback)
        {
            _byteIds = Vocabulary.ByteFallbackIds();
        }
    }

    public Vocabulary Vocabulary { get; }

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
            return;
        if (_cache.TryAppend(word, ids))
            return;
        var first = ids.Count;
        Segment(word, ids);
        _cache.Add(word, ids, first);
    }

    private void Segment(ReadOnlySpan<char> word, List<int> ids)
    {
        var n = word.Length;
        // best[i]: the best segmentation of word[..i]: its score, where its last piece starts, and that piece's id
        // (-1 for an unknown character).
        var score = new double[n + 1];
        var start = new int[n + 1];
        var piece = new int[n + 1];
        start.AsSpan().Fill(-1);
        start[0] = 0;
        var longest = Vocabulary.LongestToken;
        for (var at = 0; at < n;)
        {
            CharClasses.CodePointAt(word, at, out var first);
            var single = false;
            var limit = Math.Min(n, at + longest);
            for (var end = at + first; end <= limit;)
            {
                if (Vocabulary.TryGetId(word[at..end], out var id))
                {
                    Relax(end, score[at] + _scores[id], at, id, score, start, piece);
                    single |= end - at == first;
                }
                if (end == n)
                    break;
                CharClasses.CodePointAt(word, end, out var next);
                end += next;
            }
            if (!single)
                Relax(at + first, score[at] + _unkScore, at, -1, score, start, piece);
            at += first;
        }
        Emit(word, start, piece, ids);
    }

    private static void Relax(int end, double candidate, int from, int id, double[] score, int[] start, int[] piece)
    {
        if (start[end] < 0 || candidate > score[end])
        {
            score[end] = candidate;
            start[end] = from;
            piece[end] = id;
        }
    }

    private void Emit(ReadOnlySpan<char> word, int[] start, int[] piece, List<int> ids)
    {
        // Walk back from the end; runs of unknown characters are fused into one piece.
        var segments = new List<(int Start, int End, int Id)>();
        for (var end = word.Length; end > 0;)
        {
            var from = start[end];
            if (piece[end] < 0 && segments.Count > 0 && segments[^1].Id < 0)
                segments[^1] = (from, segments[^1].End, -1);
            else
                segments.Add((from, end, piece[end]));
            end = from;
        }
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var (from, to, id) = segments[i];
            if (id >= 0)
                ids.Add(id);
            else if (!(_byteIds is not null && TryAddBytes(word[from..to], ids)) && _unkId is { } unk)
                ids.Add(unk);
            // No unk_id and no byte pieces: the characters are dropped (Hugging Face refuses the text instead).
        }
    }

    private bool TryAddBytes(ReadOnlySpan<char> run, List<int> ids)
    {
        var bytes = Encoding.UTF8.GetBytes(run.ToArray());
        foreach (var b in bytes)
        {
            if (_byteIds![b] < 0)
                return false;
        }
        foreach (var b in bytes)
            ids.Add(_byteIds![b]);
        return true;
    }
}
