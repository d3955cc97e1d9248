using System.Runtime.InteropServices;
using MicroAI.Tokenizers.AddedTokens;
using MicroAI.Tokenizers.Decoders;
using MicroAI.Tokenizers.PostProcessors;
using MicroAI.Tokenizers.Text;

namespace MicroAI.Tokenizers.Pipeline;

/// <summary>
/// The Hugging Face pipeline: added-token matching on the raw text → normalizer → added-token matching on the
/// normalized text → pre-tokenizer → model → truncation → post-processor; and the reverse through the decoder.
/// Immutable and thread-safe.
/// </summary>
internal sealed class PipelineTokenizer : ITokenizer
{
    private readonly TokenizerParts _parts;
    private readonly AddedVocabulary _added;

    public PipelineTokenizer(TokenizerParts parts)
    {
        _parts = parts;
        _added = new AddedVocabulary(parts.AddedTokens, parts.Normalizer);
        VocabularySize = Math.Max(parts.Model.Vocabulary.IdSpace, _added.MaxId + 1);
    }

    internal TokenizerParts Parts => _parts;

    public int VocabularySize { get; }

    public int? PadTokenId => _parts.PadTokenId;

    public int? ModelMaxLength => _parts.ModelMaxLength;

    public TokenizedText Encode(string text, bool addSpecialTokens = true, int maxLength = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeCore(text, null, addSpecialTokens, maxLength);
    }

    public TokenizedText EncodePair(string first, string second, bool addSpecialTokens = true, int maxLength = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return EncodeCore(first, second, addSpecialTokens, maxLength);
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if (skipSpecialTokens && _added.IsSpecial(id))
                continue;
            if (IdToToken(id) is { } token)
                tokens.Add(token);
        }
        string text;
        if (_parts.Decoder is { } decoder)
        {
            decoder.DecodeChain(tokens);
            text = string.Concat(tokens);
        }
        else
        {
            text = string.Join(' ', tokens);
        }
        return _parts.CleanUpTokenizationSpaces ? TokenizationCleanup.Apply(text) : text;
    }

    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _added.ByContent(token)?.Id ?? _parts.Model.Vocabulary.GetId(token);
    }

    public string? IdToToken(int id) => _added.ById(id)?.Content ?? _parts.Model.Vocabulary.GetToken(id);

    private TokenizedText EncodeCore(string first, string? second, bool addSpecialTokens, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var isPair = second is not null;
        var post = addSpecialTokens ? _parts.PostProcessor : null;
        var added = post?.AddedTokenCount(isPair) ?? 0;
        if (maxLength > 0 && maxLength < added)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength must leave room for the {added} special tokens the template adds.");

        var scratch = EncodeScratch.Rent();
        try
        {
            var a = scratch.First;
            var b = scratch.Second;
            EncodeSequence(first, a, scratch);
            if (isPair)
                EncodeSequence(second!, b, scratch);

            var truncated = false;
            if (maxLength > 0)
            {
                var budget = maxLength - added;
                var (n1, n2) = isPair ? Truncation.LongestFirst(a.Count, b.Count, budget) : (Math.Min(a.Count, budget), 0);
                truncated = n1 < a.Count || n2 < b.Count;
                a.RemoveRange(n1, a.Count - n1);
                b.RemoveRange(n2, b.Count - n2);
            }

            var writer = new EncodingWriter(a.Count + b.Count + added);
            if (post is not null)
            {
                post.Process(CollectionsMarshal.AsSpan(a), CollectionsMarshal.AsSpan(b), isPair, writer);
            }
            else
            {
                writer.AddContent(CollectionsMarshal.AsSpan(a), 0);
                writer.AddContent(CollectionsMarshal.AsSpan(b), 1);
            }
            return Build(writer, truncated);
        }
        finally
        {
            EncodeScratch.Return(scratch);
        }
    }

    private TokenizedText Build(EncodingWriter writer, bool truncated)
    {
        var ids = writer.Ids;
        var typeIds = writer.TypeIds;
        var mask = writer.SpecialTokensMask;
        if (writer.Position != ids.Length)
        {
            // A template without $B (or with repeated sequences) wrote a different length than estimated.
            ids = ids[..writer.Position];
            typeIds = typeIds[..writer.Position];
            mask = mask[..writer.Position];
        }
        var tokens = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            tokens[i] = IdToToken(ids[i]) ?? "";
        return new TokenizedText(ids, typeIds, mask, tokens, truncated);
    }

    private void EncodeSequence(string text, List<int> ids, EncodeScratch scratch)
    {
        text = CharClasses.ReplaceLoneSurrogates(text);
        var raw = scratch.RawSegments;
        raw.Clear();
        _added.Raw.Split(text, raw);
        foreach (var segment in raw)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            var section = segment.Start == 0 && segment.End == text.Length ? text : text[segment.Start..segment.End];
            EncodeSection(section, segment.Start == 0, ids, scratch);
        }
    }

    private void EncodeSection(string section, bool isFirstSection, List<int> ids, EncodeScratch scratch)
    {
        var normalized = _parts.Normalizer?.Normalize(section) ?? section;
        var segments = scratch.NormalizedSegments;
        segments.Clear();
        _added.Normalized.Split(normalized, segments);
        var model = _parts.Model;
        foreach (var segment in segments)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            var text = normalized.AsMemory(segment.Start, segment.End - segment.Start);
            if (_parts.PreTokenizer is not { } pre)
            {
                model.Tokenize(text.Span, ids);
                continue;
            }
            var pieces = scratch.Pieces;
            pieces.Clear();
            pre.PreTokenize(text, isFirstSection && segment.Start == 0, pieces);
            foreach (var piece in pieces)
                model.Tokenize(piece.Span, ids);
        }
    }
}
