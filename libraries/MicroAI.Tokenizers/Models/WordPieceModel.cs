using System.Buffers;

namespace MicroAI.Tokenizers.Models;

/// <summary>
/// "WordPiece": greedy longest-match-first over the word; pieces after the first are looked up with the
/// continuing-subword prefix ("##"). A word longer than <c>max_input_chars_per_word</c> code points, or one with
/// any unmatched part, becomes the single unk token.
/// </summary>
internal sealed class WordPieceModel : ITokenModel
{
    private readonly int _unkId;
    private readonly string _prefix;
    private readonly int _maxInputChars;

    public WordPieceModel(Vocabulary vocabulary, string unkToken, string continuingSubwordPrefix, int maxInputCharsPerWord)
    {
        Vocabulary = vocabulary;
        _unkId = vocabulary.GetId(unkToken) ?? throw new FormatException($"unk_token '{unkToken}' is not in the WordPiece vocabulary");
        _prefix = continuingSubwordPrefix;
        _maxInputChars = maxInputCharsPerWord;
        UnkToken = unkToken;
    }

    public Vocabulary Vocabulary { get; }

    public string UnkToken { get; }

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
            return;
        // Hugging Face counts chars (code points), not UTF-16 units. Counting stops early: the text may be huge.
        if (word.Length > _maxInputChars && CountCodePoints(word, _maxInputChars + 1) > _maxInputChars)
        {
            ids.Add(_unkId);
            return;
        }

        var bufferLength = _prefix.Length + word.Length;
        char[]? rented = null;
        var buffer = bufferLength <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(bufferLength));
        _prefix.CopyTo(buffer);
        var firstNew = ids.Count;
        try
        {
            var start = 0;
            while (start < word.Length)
            {
                var prefixLength = start == 0 ? 0 : _prefix.Length;
                // No token is longer than the vocabulary's longest, so don't try longer candidates.
                var end = Math.Min(word.Length, start + Math.Max(1, Vocabulary.LongestToken - prefixLength));
                var found = -1;
                while (end > start)
                {
                    if (end < word.Length && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1]))
                    {
                        end--; // never split a surrogate pair
                        continue;
                    }
                    var candidate = word[start..end];
                    int id;
                    bool hit;
                    if (prefixLength == 0)
                    {
                        hit = Vocabulary.TryGetId(candidate, out id);
                    }
                    else
                    {
                        candidate.CopyTo(buffer[prefixLength..]);
                        hit = Vocabulary.TryGetId(buffer[..(prefixLength + candidate.Length)], out id);
                    }
                    if (hit)
                    {
                        found = id;
                        break;
                    }
                    end--;
                }
                if (found < 0)
                {
                    ids.RemoveRange(firstNew, ids.Count - firstNew);
                    ids.Add(_unkId);
                    return;
                }
                ids.Add(found);
                start = end;
            }
        }
        finally
        {
            if (rented is not null)
                ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static int CountCodePoints(ReadOnlySpan<char> s, int stopAt)
    {
        var count = 0;
        for (var i = 0; i < s.Length && count < stopAt; i++)
        {
            if (!(char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1])))
                count++;
        }
        return count;
    }
}
