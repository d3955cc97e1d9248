using System.Text.Json;
using MicroAI.Tokenizers.Models;

namespace MicroAI.Tokenizers.Loading;

/// <summary>The "model" object: WordPiece, BPE, WordLevel, Unigram.</summary>
internal sealed partial class ComponentReader
{
    public ITokenModel Model(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            throw context.Fail("no 'model' object");
        var type = e.Str("type") ?? InferModelType(e);
        try
        {
            return type switch
            {
                "WordPiece" => new WordPieceModel(
                    ReadVocab(e), e.Str("unk_token") ?? "[UNK]", e.Str("continuing_subword_prefix") ?? "##", e.Int("max_input_chars_per_word") ?? 100),
                "BPE" => ReadBpe(e),
                "WordLevel" => ReadWordLevel(e),
                "Unigram" => ReadUnigram(e),
                _ => throw context.Fail($"model type '{type}' is not supported"),
            };
        }
        catch (FormatException ex)
        {
            throw context.Fail($"{type} model: {ex.Message}", ex);
        }
    }

    private static string InferModelType(JsonElement e) =>
        e.Prop("merges") is not null ? "BPE"
        : e.Prop("vocab") is { ValueKind: JsonValueKind.Array } ? "Unigram"
        : e.Prop("continuing_subword_prefix") is not null || e.Prop("max_input_chars_per_word") is not null ? "WordPiece"
        : "WordLevel";

    private Vocabulary ReadVocab(JsonElement e)
    {
        if (e.Prop("vocab") is not { ValueKind: JsonValueKind.Object } vocab)
            throw context.Fail("model 'vocab' must be an object of token → id");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocab.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0)
                throw context.Fail($"vocab entry '{p.Name}' has no valid id");
            ids[p.Name] = id;
        }
        return new Vocabulary(ids);
    }

    private BpeModel ReadBpe(JsonElement e)
    {
        var vocab = ReadVocab(e);
        var merges = new List<(string, string)>();
        if (e.Prop("merges") is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var m in array.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.String)
                {
                    // Legacy form "left right"; tokens in this form cannot contain spaces.
                    var s = m.GetString()!;
                    var space = s.IndexOf(' ', 1);
                    if (space < 0)
                        throw context.Fail($"merge '{s}' is not two space-separated tokens");
                    merges.Add((s[..space], s[(space + 1)..]));
                }
                else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                    && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                {
                    merges.Add((m[0].GetString()!, m[1].GetString()!));
                }
                else
                {
                    throw context.Fail("each merge must be \"left right\" or [\"left\", \"right\"]");
                }
            }
        }
        var options = new BpeOptions(
            e.Str("unk_token"),
            NullIfEmpty(e.Str("continuing_subword_prefix")),
            NullIfEmpty(e.Str("end_of_word_suffix")),
            e.Bool("fuse_unk") ?? false,
            e.Bool("byte_fallback") ?? false,
            e.Bool("ignore_merges") ?? false);
        return new BpeModel(vocab, merges, options);
    }

    private UnigramModel ReadUnigram(JsonElement e)
    {
        if (e.Prop("vocab") is not { ValueKind: JsonValueKind.Array } vocab)
            throw context.Fail("Unigram model 'vocab' must be an array of [piece, score]");
        var pieces = new List<(string, double)>(vocab.GetArrayLength());
        foreach (var entry in vocab.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2
                || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.Number)
                throw context.Fail($"Unigram vocab entry {pieces.Count} is not [piece, score]");
            pieces.Add((entry[0].GetString()!, entry[1].GetDouble()));
        }
        return new UnigramModel(pieces, e.Int("unk_id"), e.Bool("byte_fallback") ?? false);
    }

    private WordLevelModel ReadWordLevel(JsonElement e)
    {
        var vocab = ReadVocab(e);
        var unk = e.Str("unk_token");
        return new WordLevelModel(vocab, unk is null ? null : vocab.GetId(unk));
    }
}
