using System.Text.Json;
using MicroAI.Tokenizers.PostProcessors;

namespace MicroAI.Tokenizers.Loading;

/// <summary>The "post_processor" object: templates and the fixed BERT/RoBERTa ones.</summary>
internal sealed partial class ComponentReader
{
    public IPostProcessor? PostProcessor(JsonElement? element, Func<string, int?> tokenToId)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
            return null;
        var type = e.Str("type");
        switch (type)
        {
            case "TemplateProcessing":
                return ReadTemplate(e, tokenToId);
            case "BertProcessing":
                return TemplateProcessor.Bert(PairId(e, "cls"), PairId(e, "sep"));
            case "RobertaProcessing":
                return TemplateProcessor.Roberta(PairId(e, "cls"), PairId(e, "sep"));
            case "ByteLevel":
                return null; // only trims offsets, which we do not expose
            case "Sequence":
                var steps = Array(e, "processors").Select(p => PostProcessor(p, tokenToId)).OfType<IPostProcessor>().ToArray();
                return steps.Length switch
                {
                    0 => null,
                    1 => steps[0],
                    _ => throw context.Fail("a post_processor Sequence with more than one token-adding processor is not supported"),
                };
            default:
                throw context.Fail($"post_processor type '{type}' is not supported");
        }
    }

    private int PairId(JsonElement e, string name)
    {
        if (e.Prop(name) is { ValueKind: JsonValueKind.Array } a && a.GetArrayLength() == 2 && a[1].TryGetInt32(out var id))
            return id;
        throw context.Fail($"post_processor '{name}' must be [token, id]");
    }

    private TemplateProcessor ReadTemplate(JsonElement e, Func<string, int?> tokenToId)
    {
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (e.Prop("special_tokens") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.Prop("ids") is { ValueKind: JsonValueKind.Array } ids)
                    specials[p.Name] = ids.EnumerateArray().Select(x => x.GetInt32()).ToArray();
            }
        }
        var single = ReadPieces(e, "single", specials, tokenToId);
        var pair = ReadPieces(e, "pair", specials, tokenToId);
        if (pair.Count == 0)
            pair = [.. single, TemplatePiece.SequenceB(1)]; // no pair template: never drop the second sequence
        return new TemplateProcessor(single, pair);
    }

    private List<TemplatePiece> ReadPieces(JsonElement e, string name, Dictionary<string, int[]> specials, Func<string, int?> tokenToId)
    {
        var result = new List<TemplatePiece>();
        if (e.Prop(name) is not { ValueKind: JsonValueKind.Array } pieces)
            return result;
        foreach (var piece in pieces.EnumerateArray())
        {
            if (piece.Prop("Sequence") is { } seq)
            {
                var typeId = seq.Int("type_id") ?? 0;
                result.Add(seq.Str("id") == "B" ? TemplatePiece.SequenceB(typeId) : TemplatePiece.SequenceA(typeId));
            }
            else if (piece.Prop("SpecialToken") is { } special)
            {
                var id = special.Str("id") ?? throw context.Fail($"TemplateProcessing {name}: special token without id");
                var ids = specials.GetValueOrDefault(id) ?? (tokenToId(id) is { } single ? [single]
                    : throw context.Fail($"TemplateProcessing {name}: special token '{id}' is neither in special_tokens nor in the vocabulary"));
                result.Add(new TemplatePiece(special.Int("type_id") ?? 0, ids));
            }
            else
            {
                throw context.Fail($"TemplateProcessing {name}: each piece must be a Sequence or a SpecialToken");
            }
        }
        return result;
    }
}
